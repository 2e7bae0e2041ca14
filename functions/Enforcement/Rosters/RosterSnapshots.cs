using System.Globalization;
using System.Text.Json;
using Integration.Domain.Storage;
using Integration.Functions.Platform.Records;

namespace Integration.Functions.Enforcement.Rosters;

/// <summary>
/// A whole list kept in one partition of table <c>EnforcementRosters</c> and replaced as a unit, however large.
/// The list's JSON is cut into chunk rows of one generation (<c>g|{generation}|{n}</c>, each up to
/// <see cref="ChunkLength"/> characters across <see cref="LongText"/> properties), written first where no reader
/// looks, and then the <c>head</c> row is switched to that generation with its ETag: that one write is the
/// replacement, so a reader sees the old list or the new one, never a mixture, and a crash before it leaves the old
/// list in place. Chunks of other generations are deleted afterwards (and by the next replacement, if a crash
/// interrupted that). A batch could not do this: it holds 100 operations and 4 MiB.
/// </summary>
public sealed class RosterSnapshots(ITableStore store, TimeProvider time)
{
    public const string Table = "EnforcementRosters";
    public const string HeadRow = "head";

    /// <summary>Ten <see cref="LongText"/> properties: about 600 KB as UTF-16, well inside an entity's 1 MiB.</summary>
    public const int ChunkLength = 10 * LongText.ChunkLength;

    private const string ChunkPrefix = "g|";
    private int tableReady;

    /// <summary>The stored list, or null when the partition was never written (an empty list written is an empty list).</summary>
    public async Task<Snapshot<T>?> ReadAsync<T>(string partition, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);

        // A replacement may delete the chunks of the head just read: read the new head and try again.
        for (var attempt = 0; ; attempt++)
        {
            if (await store.GetAsync(Table, partition, HeadRow, cancellationToken) is not { } head)
            {
                return null;
            }

            var generation = head.GetString("Generation") ?? "";
            var chunks = (int)(head.GetInt64("Chunks") ?? 0);
            var json = new System.Text.StringBuilder();
            var read = 0;
            string? token = null;
            do
            {
                var page = await store.QueryAsync(Table, TableQuery.RowKeyPrefix(partition, ChunkPrefix + generation + "|", 20), token, cancellationToken);
                foreach (var row in page.Entities)
                {
                    json.Append(LongText.Get(row, "Data"));
                    read++;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);

            if (read == chunks)
            {
                var items = chunks == 0 ? [] : JsonSerializer.Deserialize<T[]>(json.ToString(), RecordJson.Options) ?? [];
                return new Snapshot<T>(items, head.GetDateTimeOffset("UpdatedAt"), head.GetString("UpdatedBy"));
            }

            if (attempt >= 5)
            {
                throw new InvalidOperationException($"The list in {Table}/{partition} names generation {generation} of {chunks} chunks, but {read} were found after {attempt + 1} reads.");
            }
        }
    }

    /// <summary>Whether the partition's list was ever written.</summary>
    public async Task<bool> ExistsAsync(string partition, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        return await store.GetAsync(Table, partition, HeadRow, cancellationToken) is not null;
    }

    /// <summary>Replaces the whole list. Callers serialise replacements of one partition (<see cref="RosterWriteLock"/>).</summary>
    public async Task ReplaceAsync<T>(string partition, IReadOnlyList<T> items, string updatedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        await EnsureTableAsync(cancellationToken);

        // The options escape every non-ASCII character, so cutting the text anywhere never splits a character.
        var json = items.Count == 0 ? "" : JsonSerializer.Serialize(items, RecordJson.Options);
        var generation = Guid.NewGuid().ToString("N");
        var chunks = 0;
        for (var start = 0; start < json.Length; start += ChunkLength, chunks++)
        {
            var properties = new Dictionary<string, object?>();
            LongText.Put(properties, "Data", json.Substring(start, Math.Min(ChunkLength, json.Length - start)));
            await store.UpsertAsync(Table, new TableEntity(partition, ChunkKey(generation, chunks), properties), cancellationToken);
        }

        var head = new TableEntity(partition, HeadRow, new Dictionary<string, object?>
        {
            ["Generation"] = generation,
            ["Chunks"] = (long)chunks,
            ["Count"] = (long)items.Count,
            ["UpdatedAt"] = time.GetUtcNow(),
            ["UpdatedBy"] = updatedBy,
        });
        if (await store.GetAsync(Table, partition, HeadRow, cancellationToken) is { } current)
        {
            await store.ReplaceAsync(Table, head, current.ETag ?? "*", cancellationToken);
        }
        else
        {
            await store.InsertAsync(Table, head, cancellationToken);
        }

        await DeleteOtherGenerationsAsync(partition, generation, cancellationToken);
    }

    private async Task DeleteOtherGenerationsAsync(string partition, string keep, CancellationToken cancellationToken)
    {
        var stale = new List<TableEntity>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(Table, TableQuery.RowKeyPrefix(partition, ChunkPrefix, 100), token, cancellationToken);
            stale.AddRange(page.Entities.Where(row => !row.RowKey.StartsWith(ChunkPrefix + keep + "|", StringComparison.Ordinal)));
            token = page.ContinuationToken;
        }
        while (token is not null);

        foreach (var batch in stale.Chunk(50))
        {
            try
            {
                await store.ExecuteBatchAsync(Table, batch.Select(row => TableOperation.Delete(new TableEntity(row.PartitionKey, row.RowKey), "*")).ToArray(), cancellationToken);
            }
            catch (TableStoreException e) when (e.Kind == TableErrorKind.NotFound)
            {
                // Another clean-up got there first; the next replacement sweeps whatever is left.
            }
        }
    }

    private static string ChunkKey(string generation, int chunk) => ChunkPrefix + generation + "|" + chunk.ToString("D6", CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady) == 0)
        {
            await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            Volatile.Write(ref tableReady, 1);
        }
    }
}

/// <summary>A stored list with who replaced it last and when.</summary>
public sealed record Snapshot<T>(IReadOnlyList<T> Items, DateTimeOffset? UpdatedAt, string? UpdatedBy);
