using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.Sqlite;

namespace Integration.Functions.Platform.Records;

/// <summary>
/// How a transition larger than one entity-group transaction (100 operations on Table storage) stays atomic: the
/// state row, the history entry and this journal row commit together, the journal holding every other row of the
/// transition (deadlines, outbox rows); those rows are then written a hundred at a time and the journal deleted.
/// Until it is deleted the journal is the truth: whoever reads the record first rolls it forward (the committer
/// itself, the next reader or writer of the record, the deadline handler, or the sweep after a crash). Each chunk
/// advances the journal's <c>Applied</c> count under its ETag in the same batch, so two roll-forwards never both
/// write a chunk, and one that lost the race can never write rows over a later transition.
/// </summary>
internal static class RecordJournal
{
    public const string RowKey = "journal";

    /// <summary>Rows per chunk, leaving one operation of the batch for the journal's own update.</summary>
    private const int ChunkRows = 99;

    public static TableEntity Entity(RecordKey key, long sequence, IReadOnlyList<TableEntity> rows)
    {
        var properties = new Dictionary<string, object?>
        {
            ["RowType"] = "journal",
            ["Kind"] = key.Kind,
            ["Id"] = key.Id,
            ["Seq"] = sequence,
            ["Count"] = rows.Count,
            ["Applied"] = 0,
        };

        // Compressed: a suspension of thousands of letters rewrites thousands of near-identical deadline rows, which
        // as text would not fit an entity (about 1 MiB); compressed they take a few kilobytes per hundred.
        LongText.Put(properties, "Rows", Compress(rows));
        return new TableEntity(key.PartitionKey, RowKey, properties);
    }

    /// <summary>Writes what the journal holds and deletes it; false when another roll-forward got there first.</summary>
    public static async Task<bool> RollForwardAsync(ITableStore store, string table, TableEntity journal, CancellationToken cancellationToken)
    {
        var rows = Decompress(journal.PartitionKey, LongText.Get(journal, "Rows") ?? "");
        var applied = (int)(journal.GetInt64("Applied") ?? 0);
        var etag = journal.ETag ?? "*";
        try
        {
            while (applied < rows.Count)
            {
                var chunk = rows.Skip(applied).Take(ChunkRows).ToArray();
                applied += chunk.Length;
                var progress = new TableEntity(journal.PartitionKey, RowKey, new Dictionary<string, object?> { ["Applied"] = applied });
                var operations = chunk.Select(TableOperation.Upsert).Append(TableOperation.Merge(progress, etag)).ToArray();
                etag = (await store.ExecuteBatchAsync(table, operations, cancellationToken))[^1];
            }

            await store.DeleteAsync(table, journal.PartitionKey, RowKey, etag, cancellationToken);
            return true;
        }
        catch (TableStoreException e) when (e.Kind is TableErrorKind.NotFound or TableErrorKind.PreconditionFailed)
        {
            // Another roll-forward wrote this chunk (and carries on from it) or has finished.
            return false;
        }
    }

    private static string Compress(IReadOnlyList<TableEntity> rows)
    {
        var json = JsonSerializer.Serialize(rows.Select(r => new StoredRow(r.RowKey, PropertyJson.Write(r.Properties))).ToArray());
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            zip.Write(Encoding.UTF8.GetBytes(json));
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    private static List<TableEntity> Decompress(string partitionKey, string text)
    {
        using var zip = new GZipStream(new MemoryStream(Convert.FromBase64String(text)), CompressionMode.Decompress);
        var stored = JsonSerializer.Deserialize<StoredRow[]>(zip) ?? [];
        return stored.Select(r => new TableEntity(partitionKey, r.RowKey, PropertyJson.Read(r.Properties))).ToList();
    }

    private sealed record StoredRow(string RowKey, string Properties);
}
