namespace Integration.Domain.Kernel;

/// <summary>
/// Collects every invalid field of an input, so a caller learns all its mistakes at once.
/// Field names are the JSON paths the caller sent (e.g. <c>owner.creditCode</c>, <c>evidence[2].sha256</c>).
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            list = [];
            errors[field] = list;
        }

        list.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
