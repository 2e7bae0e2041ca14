using System.Net;
using System.Net.Sockets;

namespace Integration.Benchmarks.Harness;

internal static class Loopback
{
    /// <summary>
    /// A port nothing listens on at this moment, for a child process that must be told its port before it starts.
    /// Another process could take it in between; on a benchmark machine that is rare enough to fail the run over.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
