using Azure.Data.Tables;
using Integration.Benchmarks.Harness;
using Integration.Functions.Infrastructure.AzureTables;
using Integration.Functions.Platform.Orchestrations;

namespace Integration.Benchmarks.Suites;

internal sealed class AzuriteTableStoreSuite : IBenchmarkSuite
{
    // Fewer point reads than the embedded store: each is an HTTP round trip, and the rate settles well before 5,000.
    public static readonly TableStoreSizes Sizes = new(Writes: 20_000, Reads: 5_000, Populated: 20_000);

    public string Name => "azurite";

    public string Description => "the store workloads on the Azure Table storage adapter against a local Azurite (needs Node.js)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var azurite = await AzuriteProcess.StartAsync(RepositoryRoot.Find(), cancellationToken);
        run.Log.WriteLine($"  Azurite {azurite.Version} listening (pid {azurite.Process.Id}); its peak memory is reported beside ours");
        var store = new AzureTableStore(new TableServiceClient(azurite.ConnectionString));
        await TableStoreWorkloads.RunAllAsync(run, Name, store, Sizes, azurite.Process, cancellationToken);
    }
}
