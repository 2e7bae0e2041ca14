using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Integration.Functions.Platform.Orchestrations;
using Integration.Tests.Support;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// Azurite's listeners take their own ports (port 0, read back from its output): nothing reserves a port and releases it
/// for Azurite to take. An Azurite killed with SIGKILL is started again over the same files while a socket holds one of
/// the ports it had, and it still starts, on ports of its own.
/// </summary>
[Trait("lane", "drill")]
public sealed class AzuritePortTests : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("azurite-ports-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_and_started_again_while_its_old_table_port_is_taken_Azurite_starts_on_ports_it_picked_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new AzuriteStart(PackageFolder, AzuriteServices.BlobQueueTable, dataPath);
        AzuritePorts first;
        using (var killed = await AzuriteProcess.StartAsync(start, ct))
        {
            first = killed.Ports;
            Assert.Equal(3, first.All.Distinct().Count());
            Assert.DoesNotContain(0, first.All);
            await new TableServiceClient(killed.ConnectionString).CreateTableIfNotExistsAsync("PortDrill", ct);

            // SIGKILL, as a killed app leaves it: no shutdown, the pid file still names it.
            killed.Process.Kill(entireProcessTree: true);
            await killed.Process.WaitForExitAsync(ct);

            using var squatter = new TcpListener(IPAddress.Loopback, first.Table);
            squatter.Start();
            using var again = await AzuriteProcess.StartAsync(start, ct);
            Assert.False(again.Adopted);
            Assert.NotEqual(first.Table, again.Ports.Table);
            Assert.Equal(3, again.Ports.All.Distinct().Count());
            await new TableServiceClient(again.ConnectionString).CreateTableIfNotExistsAsync("PortDrillAgain", ct);
        }
    }

    private static string PackageFolder => AzuriteProcess.PackageFolderIn(RepositoryRoot.Path);
}
