using Integration.Benchmarks.Harness;
using Integration.Functions.Infrastructure.Sqlite;

namespace Integration.Benchmarks.Suites;

internal sealed class TableStoreSuite : IBenchmarkSuite
{
    public static readonly TableStoreSizes Sizes = new(Writes: 20_000, Reads: 20_000, Populated: 20_000);

    public string Name => "store";

    public string Description => "embedded SQLite table store: batched inserts, point reads, partition paging";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var scratch = Scratch.Create(run.Options.DataRoot, Name);
        var store = new SqliteTableStore(new SqliteDatabase(scratch.DatabaseFile), TimeProvider.System);
        await TableStoreWorkloads.RunAllAsync(run, Name, store, Sizes, server: null, cancellationToken);
    }
}
