using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Secrets.Sdk.Http.Tests;

/// <summary>
/// A raw TCP server on 127.0.0.1 (port 0) that answers every connection with fixed bytes and then closes it
/// gracefully: for answers no HTTP server would write, such as a body shorter than its Content-Length.
/// </summary>
public sealed class RawSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts the server.</summary>
    /// <param name="answer">The raw bytes written after a request's headers are read.</param>
    public RawSocketServer(string answer)
    {
        _answer = Encoding.ASCII.GetBytes(answer);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = AcceptAsync();
    }

    /// <summary>Gets the base address.</summary>
    public Uri Address { get; }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            await stream.WriteAsync(_answer, _stop.Token);
            await stream.FlushAsync(_stop.Token);
            client.Client.Shutdown(SocketShutdown.Send); // FIN, not RST: the client reads every byte written, then the end.
        }
    }
}
