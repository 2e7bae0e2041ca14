using System.Globalization;
using System.Text.Json;

namespace Integration.Domain.Kernel;

/// <summary>
/// Reads an inbound JSON object field by field, recording every missing or malformed field in a
/// <see cref="FieldErrors"/> under its JSON path, so one response lists all of a caller's mistakes.
/// Readers return null (or an empty list) for a bad field; callers check <see cref="FieldErrors.IsEmpty"/> at the end.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement element;
    private readonly string prefix;

    public JsonFields(JsonElement element, FieldErrors errors, string prefix = "")
    {
        this.element = element;
        this.prefix = prefix;
        Errors = errors;
        if (element.ValueKind != JsonValueKind.Object)
        {
            Errors.Add(prefix.Length == 0 ? "$" : prefix.TrimEnd('.'), "Must be a JSON object.");
        }
    }

    public FieldErrors Errors { get; }

    public string Path(string name) => prefix + name;

    public string? String(string name, bool required = true, int maxLength = 500)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors.Add(Path(name), "Must be a string.");
            return null;
        }

        if (!JsonStrings.TryGet(value, out var raw))
        {
            Errors.Add(Path(name), JsonStrings.LoneSurrogate);
            return null;
        }

        var text = raw.Trim();
        if (text.Length > maxLength)
        {
            Errors.Add(Path(name), $"At most {maxLength} characters.");
            return null;
        }

        if (TextRules.Problem(text) is { } problem)
        {
            Errors.Add(Path(name), problem);
            return null;
        }

        if (required && text.Length == 0)
        {
            Errors.Add(Path(name), "Required: must not be empty.");
            return null;
        }

        return text;
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? OneOf(string name, IReadOnlyCollection<string> allowed, bool required = true)
    {
        var value = String(name, required);
        if (value is not null && !allowed.Contains(value))
        {
            Errors.Add(Path(name), $"{TextRules.Echo(value)} is not one of: {string.Join(", ", allowed)}.");
            return null;
        }

        return value;
    }

    public long? Integer(string name, long min = long.MinValue, long max = long.MaxValue, bool required = true)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Errors.Add(Path(name), "Must be a whole number.");
            return null;
        }

        if (number < min || number > max)
        {
            Errors.Add(Path(name), $"Must be from {min} to {max}.");
            return null;
        }

        return number;
    }

    public decimal? Decimal(string name, decimal min, bool required = true)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            Errors.Add(Path(name), "Must be a number.");
            return null;
        }

        if (number < min)
        {
            Errors.Add(Path(name), $"Must be at least {min.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }

        return number;
    }

    public bool? Boolean(string name, bool required = true)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors.Add(Path(name), "Must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>An ISO-8601 instant with an offset (or Z).</summary>
    public DateTimeOffset? Instant(string name, bool required = true)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            || !(text.EndsWith('Z') || text.EndsWith('z') || text[t..].Contains('+', StringComparison.Ordinal) || text[t..].Contains('-', StringComparison.Ordinal)))
        {
            Errors.Add(Path(name), $"{TextRules.Echo(text)} is not an ISO-8601 instant with an offset, e.g. 2026-02-12T09:30:00+08:00.");
            return null;
        }

        if (!ChinaTime.IsSupported(instant))
        {
            Errors.Add(Path(name), $"{TextRules.Echo(text)} {ChinaTime.RangeRule}.");
            return null;
        }

        return instant;
    }

    /// <summary>A nested object, read by <paramref name="read"/> with paths prefixed by the field's name.</summary>
    public T? Object<T>(string name, Func<JsonFields, T?> read, bool required = true)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Errors.Add(Path(name), "Must be a JSON object.");
            return null;
        }

        return read(new JsonFields(value, Errors, Path(name) + "."));
    }

    /// <summary>An array of objects, each read by <paramref name="read"/> with paths like <c>name[2].field</c>.</summary>
    public IReadOnlyList<T> Array<T>(string name, Func<JsonFields, T?> read, bool required = true, int maxItems = 1000)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!TryGet(name, required, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors.Add(Path(name), "Must be an array.");
            return [];
        }

        if (value.GetArrayLength() > maxItems)
        {
            Errors.Add(Path(name), $"At most {maxItems} items.");
            return [];
        }

        var items = new List<T>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Path(name)}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Errors.Add(path, "Must be a JSON object.");
                continue;
            }

            if (read(new JsonFields(item, Errors, path + ".")) is { } read1)
            {
                items.Add(read1);
            }
        }

        return items;
    }

    /// <summary>An array of strings, each one of <paramref name="allowed"/>, without repeats.</summary>
    public IReadOnlyList<string> StringSet(string name, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (!TryGet(name, required, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors.Add(Path(name), "Must be an array of strings.");
            return [];
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Path(name)}[{index++}]";
            if (!JsonStrings.TryGet(item, out var text) || !allowed.Contains(text))
            {
                Errors.Add(path, $"{Describe(item)} is not one of: {string.Join(", ", allowed)}.");
            }
            else if (items.Contains(text))
            {
                Errors.Add(path, $"{TextRules.Echo(text)} is listed twice.");
            }
            else
            {
                items.Add(text);
            }
        }

        if (required && items.Count == 0 && value.GetArrayLength() == 0)
        {
            Errors.Add(Path(name), "Required: at least one item.");
        }

        return items;
    }

    /// <summary>A caller's value as an error message may quote it: a string cut short, anything else by its kind.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonStrings.TryGet(value, out var text) ? TextRules.Echo(text) : "A string that is not well-formed text",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => TextRules.Echo(value.GetRawText()),
        JsonValueKind.Array => "An array",
        _ => "An object",
    };

    /// <summary>Records a problem found by a rule that spans fields or checks a value's content.</summary>
    public void Add(string name, string message) => Errors.Add(Path(name), message);

    public bool Has(string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (!element.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors.Add(Path(name), "Required.");
            }

            return false;
        }

        return true;
    }
}
