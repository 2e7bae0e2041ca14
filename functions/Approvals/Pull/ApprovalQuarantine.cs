using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Domain.Kernel;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Approvals.Pull;

public sealed record QuarantinedItem(
    string Id,
    string Source,
    string? ApprovalId,
    long? Version,
    IReadOnlyDictionary<string, string[]> Reasons,
    JsonElement Item,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    long Occurrences);

/// <summary>
/// Pulled records that could not be stored, with every reason, for an operator to follow up with the
/// source. Keyed by the SHA-256 of the record as received, so the same bad record pulled again is
/// counted rather than listed twice.
/// </summary>
public sealed class ApprovalQuarantine(ITableStore store, TimeProvider time)
{
    public const string Table = "ApprovalQuarantine";

    // Table storage holds at most 64 KiB per string property; a record beyond this is kept cut short.
    private const int MaxStoredChars = 30_000;

    private int tableReady;

    public async Task AddAsync(string source, JsonElement item, IDictionary<string, string[]> reasons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        await EnsureTableAsync(cancellationToken);
        var raw = item.GetRawText();
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..32];
        var now = time.GetUtcNow();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await store.GetAsync(Table, source, id, cancellationToken);
            try
            {
                if (existing is null)
                {
                    await store.InsertAsync(Table, new TableEntity(source, id, new Dictionary<string, object?>
                    {
                        ["ApprovalId"] = Text(item, "approvalId"),
                        ["Version"] = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("version", out var v) && v.TryGetInt64Safe() is { } n ? n : null,
                        ["Reasons"] = JsonSerializer.Serialize(reasons, RecordJson.Options),
                        ["Item"] = raw.Length > MaxStoredChars ? JsonSerializer.Serialize(raw[..MaxStoredChars]) : raw,
                        ["FirstSeenAt"] = now,
                        ["LastSeenAt"] = now,
                        ["Occurrences"] = 1L,
                    }), cancellationToken);
                }
                else
                {
                    await store.MergeAsync(Table, new TableEntity(source, id, new Dictionary<string, object?>
                    {
                        ["LastSeenAt"] = now,
                        ["Occurrences"] = (existing.GetInt64("Occurrences") ?? 1) + 1,
                    }), existing.ETag ?? "*", cancellationToken);
                }

                return;
            }
            catch (TableStoreException e) when (e.Kind is TableErrorKind.Conflict or TableErrorKind.PreconditionFailed)
            {
                // Counted by another writer at the same moment; count again on its row.
            }
        }
    }

    public async Task<(IReadOnlyList<QuarantinedItem> Items, string? NextPageToken)> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var page = await store.QueryAsync(Table, new TableQuery { PageSize = pageSize }, pageToken, cancellationToken);
        var items = page.Entities.Select(row => new QuarantinedItem(
                row.RowKey,
                row.PartitionKey,
                row.GetString("ApprovalId"),
                row.GetInt64("Version"),
                JsonSerializer.Deserialize<Dictionary<string, string[]>>(row.GetString("Reasons") ?? "{}", RecordJson.Options) ?? [],
                Parse(row.GetString("Item")),
                row.GetDateTimeOffset("FirstSeenAt") ?? DateTimeOffset.MinValue,
                row.GetDateTimeOffset("LastSeenAt") ?? DateTimeOffset.MinValue,
                row.GetInt64("Occurrences") ?? 1))
            .OrderByDescending(i => i.LastSeenAt)
            .ToArray();
        return (items, page.ContinuationToken);
    }

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && JsonStrings.TryGet(value, out var s) && s.Length <= 200
            ? s
            : null;

    private static JsonElement Parse(string? json)
    {
        try
        {
            return JsonDocument.Parse(json ?? "null").RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }
}

internal static class JsonElementExtensions
{
    public static long? TryGetInt64Safe(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var n) ? n : null;
}
