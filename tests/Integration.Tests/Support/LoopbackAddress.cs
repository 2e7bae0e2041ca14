using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Integration.Tests.Support;

/// <summary>
/// How a loopback test server listens on the host its URL names. An address is bound as it is; <c>localhost</c> is bound on
/// both 127.0.0.1 and ::1, on one port, since a client (chromium, or .NET) may resolve the name to either, and a server on
/// one of them alone fails now and then.
/// </summary>
public static class LoopbackAddress
{
    /// <summary>How often a server on <c>localhost</c> tries a port again when another process took it in the meantime.</summary>
    public const int Attempts = 5;

    public static bool IsLocalhost(string host) => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The port to listen on: 0 (Kestrel picks) for an address; for <c>localhost</c> a port free now, because Kestrel binds
    /// a name on both addresses only with a port given. The caller starts again with another if it was taken since.
    /// </summary>
    public static int PortFor(string host)
    {
        if (!IsLocalhost(host))
        {
            return 0;
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static void Listen(KestrelServerOptions kestrel, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (IsLocalhost(host))
        {
            kestrel.ListenLocalhost(port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(host), port);
        }
    }
}
