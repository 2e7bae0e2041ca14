using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// Azure Table storage caps a string property at 32K characters (64 KiB), so long JSON is stored
/// across <c>Name</c>, <c>Name_1</c>, <c>Name_2</c>… An entity still holds at most about 1 MiB in all.
/// </summary>
public static class LongText
{
    public const int ChunkLength = 30_000;

    public static void Put(IDictionary<string, object?> properties, string name, string text)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(text);
        properties[name] = text.Length <= ChunkLength ? text : text[..ChunkLength];
        for (int i = 1, start = ChunkLength; start < text.Length; i++, start += ChunkLength)
        {
            properties[$"{name}_{i}"] = text.Substring(start, Math.Min(ChunkLength, text.Length - start));
        }
    }

    public static string? Get(TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var first = entity.GetString(name);
        if (first is null || first.Length < ChunkLength)
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (var i = 1; entity.GetString($"{name}_{i}") is { } next; i++)
        {
            text.Append(next);
        }

        return text.ToString();
    }
}
