using Azure.Data.Tables;
using System.Diagnostics;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.AzureTables;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// The contract against Azurite. Two Azurite gaps stay out of the shared facts: a whole-valued double
/// comes back as Int32 (Azure/Azurite#1366), and a batched insert-or-replace of an entity without
/// properties fails to parse; real Azure Table storage handles both.
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class AzureTableStoreContractTests(AzuriteFixture azurite) : TableStoreContractTests
{
    protected override ITableStore CreateStore() => new AzureTableStore(new TableServiceClient(azurite.ConnectionString));

    [Fact]
    public async Task Ping_of_an_unreachable_endpoint_fails_fast_with_unavailable()
    {
        var store = new AzureTableStore(new TableServiceClient(AzuriteFixture.ConnectionStringFor(AzuriteFixture.FreeLoopbackPort())));
        var clock = Stopwatch.StartNew();

        await Fails(TableErrorKind.Unavailable, () => store.PingAsync(Ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Ping took {clock.Elapsed}.");
    }
}
