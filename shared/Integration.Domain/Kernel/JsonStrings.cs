using System.Text.Json;

namespace Integration.Domain.Kernel;

/// <summary>
/// JSON may carry a lone UTF-16 surrogate as an escape (<c>"\ud800"</c>): the parser accepts it, but it
/// is no text and reading it as a string throws. Every string a caller sends is read through here.
/// </summary>
public static class JsonStrings
{
    public const string LoneSurrogate = "Contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape); send well-formed Unicode text.";

    /// <summary>The string value of <paramref name="value"/>, or false when it is not a string or not well-formed text.</summary>
    public static bool TryGet(JsonElement value, out string text)
    {
        text = "";
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Walks a whole document and records every string value and property name that is not
    /// well-formed text under its path, so nothing later reads one and fails.
    /// </summary>
    public static void Check(JsonElement root, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Check(root, "", errors);
    }

    private static void Check(JsonElement element, string path, FieldErrors errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when !TryGet(element, out _):
                errors.Add(path.Length == 0 ? "$" : path, LoneSurrogate);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(path.Length == 0 ? "$" : path, "A property name " + char.ToLowerInvariant(LoneSurrogate[0]) + LoneSurrogate[1..]);
                        continue;
                    }

                    // A caller's property name becomes part of a path in the problem: never a long one.
                    name = TextRules.Cut(name, TextRules.EchoLength);
                    Check(property.Value, path.Length == 0 ? name : $"{path}.{name}", errors);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, $"{(path.Length == 0 ? "$" : path)}[{index++}]", errors);
                }

                break;
        }
    }
}
