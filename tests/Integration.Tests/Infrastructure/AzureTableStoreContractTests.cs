using System.Diagnostics;
using Azure.Data.Tables;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.AzureTables;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// The contract against Azurite. Two Azurite gaps stay out of the shared facts: a whole-valued double
/// comes back as Int32 (Azure/Azurite#1366), and a batched insert-or-replace of an entity without
/// properties fails to parse; real Azure Table storage handles both.
/// </summary>
[Trait("lane", "integration")]
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

    [Theory]
    [InlineData("' or ''='", "PartitionKey eq ''' or ''''='''")]
    [InlineData("x' or PartitionKey ne 'x", "PartitionKey eq 'x'' or PartitionKey ne ''x'")]
    public void Keys_enter_the_filter_as_quoted_literals(string partitionKey, string expected)
    {
        Assert.Equal(expected, AzureTableStore.BuildFilter(TableQuery.Partition(partitionKey)));
    }

    [Fact]
    public void Typed_values_enter_the_filter_in_their_odata_form()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var filter = AzureTableStore.BuildFilter(new TableQuery
        {
            PartitionKey = "p",
            RowKeyFrom = "a",
            RowKeyTo = "b",
            PropertyEquals = new Dictionary<string, object?> { ["Big"] = 5L, ["Id"] = id, ["Flag"] = true },
        });

        Assert.Equal($"PartitionKey eq 'p' and RowKey ge 'a' and RowKey lt 'b' and Big eq 5L and Id eq guid'{id}' and Flag eq true", filter);
    }
}
