using System.Net;
using System.Net.Sockets;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>A loopback port nothing listens on (taken from the OS, then released).</summary>
internal static class ClosedPort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
