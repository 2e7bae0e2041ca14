using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.AzureTables;
using Xunit;

namespace Integration.Tests.Infrastructure;

[Collection(nameof(AzuriteCollection))]
public sealed class AzureTableStoreContractTests(AzuriteFixture azurite) : TableStoreContractTests
{
    protected override ITableStore CreateStore() => new AzureTableStore(azurite.ConnectionString);

    [Fact]
    public async Task Ping_of_an_unreachable_endpoint_fails_fast_with_unavailable()
    {
        var store = new AzureTableStore(azurite.ConnectionString.Replace(
            new Uri(azurite.ConnectionString.Split("TableEndpoint=")[1].TrimEnd(';')).Authority,
            $"127.0.0.1:{ClosedLoopbackPort()}",
            StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();

        await Fails(TableErrorKind.Unavailable, () => store.PingAsync(Ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Ping took {clock.Elapsed}.");
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
