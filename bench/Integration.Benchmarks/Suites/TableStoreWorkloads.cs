using System.Globalization;
using Integration.Benchmarks.Harness;
using Integration.Domain.Storage;

namespace Integration.Benchmarks.Suites;

/// <summary>How many entities each table-store workload writes or reads per run (before --scale).</summary>
internal sealed record TableStoreSizes(int Writes, int Reads, int Populated);

/// <summary>
/// One table-store workload, whichever adapter serves it, so the embedded store and Azurite are compared on the same
/// operations: single-partition batches of 100 inserts, point reads and paged partition queries of ~1 KB entities.
/// </summary>
internal sealed class TableStoreWorkloads(ITableStore store, string tablePrefix)
{
    public const int BatchSize = 100;
    private const string Partition = "bench";

    // 900 characters of text plus five small properties: about 1 KB an entity, as a typical record row.
    private static readonly string Payload = string.Concat(Enumerable.Repeat("Tender scope: construction, supervision; method open; organisation agency. ", 12))[..900];
    private static readonly DateTimeOffset ApprovedAt = new(2026, 2, 12, 9, 30, 0, TimeSpan.Zero);

    private int tables;

    public static TableEntity Entity(int number) => new(Partition, RowKey(number), new Dictionary<string, object?>
    {
        ["Payload"] = Payload,
        ["Kind"] = "approval",
        ["Sequence"] = (long)number,
        ["Investment"] = number * 1000.5,
        ["Exempt"] = number % 7 == 0,
        ["ApprovedAt"] = ApprovedAt,
    });

    /// <summary>Fills a fresh table with <paramref name="count"/> entities for the read workloads (untimed).</summary>
    public async Task<string> PopulateAsync(int count, CancellationToken cancellationToken)
    {
        var table = NextTable();
        await store.CreateTableIfNotExistsAsync(table, cancellationToken);
        foreach (var batch in Batches(count))
        {
            await store.ExecuteBatchAsync(table, batch, cancellationToken);
        }

        return table;
    }

    public Workload BatchedWrites(int size, int warmUp, string? note = null) => new(
        $"single-partition batched inserts ({BatchSize} per batch)",
        "entities/s",
        size,
        warmUp,
        async (count, clock, cancellationToken) =>
        {
            var table = NextTable();
            await store.CreateTableIfNotExistsAsync(table, cancellationToken);
            var batches = Batches(count);
            clock.Start();
            foreach (var batch in batches)
            {
                await store.ExecuteBatchAsync(table, batch, cancellationToken);
            }

            clock.Stop();
            return count;
        })
    { Note = note };

    public Workload PointReads(Func<string> table, int populated, int size, int warmUp, int callers) => new(
        callers == 1 ? "point reads, 1 caller" : $"point reads, {callers} concurrent callers",
        "reads/s",
        size,
        warmUp,
        async (count, clock, cancellationToken) =>
        {
            var name = table();
            // Same keys every run, spread over the whole partition.
            var random = new Random(count);
            var keys = Enumerable.Range(0, count).Select(_ => RowKey(random.Next(populated))).ToArray();
            var share = (count + callers - 1) / callers;
            clock.Start();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(
                async () =>
                {
                    foreach (var key in keys.Skip(caller * share).Take(share))
                    {
                        _ = await store.GetAsync(name, Partition, key, cancellationToken)
                            ?? throw new InvalidOperationException($"Entity {key} is missing.");
                    }
                },
                cancellationToken)));
            clock.Stop();
            return count;
        });

    public Workload PartitionPaging(Func<string> table, int populated, int pageSize) => new(
        $"partition query, pages of {pageSize}",
        "entities/s",
        populated,
        populated,
        async (_, clock, cancellationToken) =>
        {
            var name = table();
            long entities = 0;
            var pages = 0;
            string? token = null;
            clock.Start();
            do
            {
                var page = await store.QueryAsync(name, TableQuery.Partition(Partition, pageSize), token, cancellationToken);
                entities += page.Entities.Count;
                pages++;
                token = page.ContinuationToken;
            }
            while (token is not null);

            clock.Stop();
            return entities == populated
                ? entities
                : throw new InvalidOperationException($"The partition query returned {entities} entities in {pages} pages; {populated} were written.");
        })
    { Note = $"a page is {pageSize} entities, so pages/s is the rate divided by {pageSize}" };

    /// <summary>The table-store workloads in a fixed order, for one adapter.</summary>
    public static async Task RunAllAsync(BenchmarkRun run, string suite, ITableStore store, TableStoreSizes sizes, System.Diagnostics.Process? server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var workloads = new TableStoreWorkloads(store, "Bench");
        await run.MeasureAsync(suite, workloads.BatchedWrites(sizes.Writes, sizes.Writes / 10) with { Server = server }, cancellationToken);

        var populated = run.Options.Scaled(sizes.Populated);
        var table = await workloads.PopulateAsync(populated, cancellationToken);
        foreach (var callers in new[] { 1, 4 })
        {
            await run.MeasureAsync(suite, workloads.PointReads(() => table, populated, sizes.Reads, sizes.Reads / 10, callers) with { Server = server }, cancellationToken);
        }

        foreach (var pageSize in new[] { 1000, 100 })
        {
            await run.MeasureAsync(suite, workloads.PartitionPaging(() => table, populated, pageSize) with { Server = server }, cancellationToken);
        }
    }

    private static string RowKey(int number) => "r" + number.ToString("D7", CultureInfo.InvariantCulture);

    private static List<List<TableOperation>> Batches(int count) =>
        [.. Enumerable.Range(0, count).Chunk(BatchSize).Select(chunk => chunk.Select(number => TableOperation.Insert(Entity(number))).ToList())];

    // Every run writes to a table of its own, so no run finds rows of an earlier one.
    private string NextTable() => tablePrefix + (++tables).ToString("D4", CultureInfo.InvariantCulture);
}
