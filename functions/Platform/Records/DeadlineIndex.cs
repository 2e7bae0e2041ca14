using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// The due-index that wakes deadlines: table <c>DeadlineIndex</c>, one row per deadline generation in
/// partition <c>due</c>, keyed by its due instant first, so "everything due at or before now" is one
/// row-key range. A row whose handler kept failing is moved to partition <c>stuck</c>, where operators
/// list it. The index lives apart from the records (a record's transition commits in its own
/// partition), so it is written through the record's outbox: never lost, sometimes late, sometimes
/// stale — a stale row is harmless because only the deadline's current generation acts.
/// </summary>
public static class DeadlineIndex
{
    public const string Table = "DeadlineIndex";
    public const string DuePartition = "due";
    public const string StuckPartition = "stuck";

    // '|' separates the parts; the stamp is fixed-width, so '}' (the character after '|') bounds every key of an instant.
    private const char Separator = '|';
    private const string StampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>A sortable UTC stamp: string order is time order.</summary>
    public static string Stamp(DateTimeOffset instant) => instant.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);

    /// <summary>The exclusive upper row-key bound of every row due at or before <paramref name="now"/>.</summary>
    public static string DueBefore(DateTimeOffset now) => Stamp(now) + (char)(Separator + 1);

    public static string DueKey(DateTimeOffset wakeAt, DeadlineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Stamp(wakeAt) + Separator + entry.Id;
    }

    /// <summary>The row that wakes <paramref name="entry"/> at <paramref name="wakeAt"/> (its due instant, or a retry after a failure).</summary>
    public static TableEntity DueRow(DateTimeOffset wakeAt, DeadlineEntry entry, int attempts = 0, string? lastError = null, DateTimeOffset? lastAttemptAt = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var properties = entry.ToProperties();
        properties["Attempts"] = attempts;
        properties["LastError"] = lastError;
        properties["LastAttemptAt"] = lastAttemptAt;
        return new TableEntity(DuePartition, DueKey(wakeAt, entry), properties);
    }

    public static TableEntity StuckRow(DeadlineEntry entry, int attempts, string reason, DateTimeOffset stuckAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var properties = entry.ToProperties();
        properties["Attempts"] = attempts;
        properties["Reason"] = reason;
        properties["StuckAt"] = stuckAt;
        return new TableEntity(StuckPartition, entry.Id, properties);
    }

    /// <summary>An operator-facing id of a stuck row: URL-safe, opaque, and its row key once decoded.</summary>
    public static string PublicId(TableEntity stuck)
    {
        ArgumentNullException.ThrowIfNull(stuck);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(stuck.RowKey));
    }

    public static string? RowKeyOf(string publicId)
    {
        ArgumentNullException.ThrowIfNull(publicId);
        if (publicId.Length is 0 or > 2048 || !Base64Url.IsValid(publicId))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(publicId));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>One deadline generation as the index knows it: enough to find the record and call its handler.</summary>
public sealed record DeadlineEntry(string Record, string Deadline, long Generation, string Action, DateTimeOffset DueAt)
{
    // Leaves room for the due stamp within Azure's 1 KiB row key.
    private const int MaxIdLength = 900;

    /// <summary>Unique per deadline generation, stable across retries; readable unless the record's key is very long.</summary>
    public string Id
    {
        get
        {
            var id = $"{Record}|{Deadline}|{Generation.ToString("D10", CultureInfo.InvariantCulture)}";
            return id.Length <= MaxIdLength ? id : "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        }
    }

    public DeadlineDue Due => new(Record, Deadline, Generation, Action, DueAt);

    public static DeadlineEntry For(RecordKey key, Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(deadline);
        return new DeadlineEntry(key.PartitionKey, deadline.Name, deadline.Generation, deadline.Action, deadline.DueAt);
    }

    public static DeadlineEntry From(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new DeadlineEntry(
            row.GetString("Record") ?? throw Malformed(row, "Record"),
            row.GetString("Deadline") ?? throw Malformed(row, "Deadline"),
            row.GetInt64("Generation") ?? throw Malformed(row, "Generation"),
            row.GetString("Action") ?? throw Malformed(row, "Action"),
            row.GetDateTimeOffset("DueAt") ?? throw Malformed(row, "DueAt"));
    }

    public Dictionary<string, object?> ToProperties() => new()
    {
        ["Record"] = Record,
        ["Deadline"] = Deadline,
        ["Generation"] = Generation,
        ["Action"] = Action,
        ["DueAt"] = DueAt,
    };

    private static InvalidOperationException Malformed(TableEntity row, string property) =>
        new($"Deadline index row {row.PartitionKey}/{row.RowKey} has no {property}.");
}

/// <summary>
/// Enters every active deadline in the index once, for data written before the index existed (when
/// deadlines were woken by scheduled topic messages). A marker row records that it ran; running it
/// again, or alongside live writes, only upserts rows that are already right.
/// </summary>
public sealed class DeadlineIndexBackfill(ITableStore store, RecordStore records, ILogger<DeadlineIndexBackfill> logger)
{
    private const string MetaPartition = "meta";
    private const string MarkerRow = "backfill-v1";

    /// <summary>Returns how many deadlines were entered (0 when the marker says it already ran).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await store.CreateTableIfNotExistsAsync(DeadlineIndex.Table, cancellationToken);
        if (await store.GetAsync(DeadlineIndex.Table, MetaPartition, MarkerRow, cancellationToken) is not null)
        {
            return 0;
        }

        var batch = new List<TableOperation>();
        var entered = 0;
        await foreach (var (key, deadline) in records.ActiveDeadlinesAsync(cancellationToken))
        {
            var entry = DeadlineEntry.For(key, deadline);
            batch.Add(TableOperation.Upsert(DeadlineIndex.DueRow(entry.DueAt, entry)));
            if (batch.Count == 100)
            {
                entered += await FlushAsync(batch, cancellationToken);
            }
        }

        entered += await FlushAsync(batch, cancellationToken);
        await store.UpsertAsync(DeadlineIndex.Table, new TableEntity(MetaPartition, MarkerRow, new Dictionary<string, object?> { ["Entered"] = entered }), cancellationToken);
        if (entered > 0)
        {
            logger.LogInformation("Deadline index built from {Count} active deadlines", entered);
        }

        return entered;
    }

    private async Task<int> FlushAsync(List<TableOperation> batch, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        if (count > 0)
        {
            await store.ExecuteBatchAsync(DeadlineIndex.Table, batch.ToArray(), cancellationToken);
            batch.Clear();
        }

        return count;
    }
}
