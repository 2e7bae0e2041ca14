namespace Integration.Domain.Kernel;

/// <summary>
/// Collects every invalid field of an input, so a caller learns all its mistakes at once.
/// Field names are the JSON paths the caller sent (e.g. <c>owner.creditCode</c>, <c>evidence[2].sha256</c>).
/// A problem never grows with what was sent: at most <see cref="MaxFields"/> fields are listed and
/// each name and message is cut short; messages quote values through <see cref="TextRules.Echo"/>.
/// </summary>
public sealed class FieldErrors
{
    public const int MaxFields = 100;
    public const int MaxMessageLength = 500;
    private const int MaxFieldLength = 200;

    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);
    private int unlisted;

    public bool IsEmpty => errors.Count == 0 && unlisted == 0;

    public void Add(string field, string message)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(message);
        field = Cut(field, MaxFieldLength);
        if (!errors.TryGetValue(field, out var list))
        {
            if (errors.Count >= MaxFields)
            {
                unlisted++;
                return;
            }

            list = [];
            errors[field] = list;
        }

        if (list.Count < 10)
        {
            list.Add(Cut(message, MaxMessageLength));
        }
    }

    public IDictionary<string, string[]> ToDictionary()
    {
        var result = errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        if (unlisted > 0)
        {
            var more = $"{unlisted} more fields are invalid; correct those listed and send the request again to see the rest.";
            result["$"] = result.TryGetValue("$", out var root) ? [.. root, more] : [more];
        }

        return result;
    }

    private static string Cut(string text, int max) => TextRules.Cut(text, max);
}
