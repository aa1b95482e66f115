using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Http.Tests;

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0) that answers whatever a test tells it to: empty bodies, bogus charsets,
/// huge or endless bodies, redirects, throttling headers. It records every request it receives, headers included,
/// so a test can prove that something (a token, a signature) never reached it.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    private static readonly byte[] Filler = CreateFiller();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly RequestDelegate _handler;
    private LoopbackServer? _server;

    private HostileServer(RequestDelegate handler) => _handler = handler;

    /// <summary>Gets the base address, http(s)://127.0.0.1:port/.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Gets the same server's address under the host name <c>localhost</c> (another host, same machine).</summary>
    public Uri LocalhostAddress => new UriBuilder(Address) { Host = "localhost" }.Uri;

    /// <summary>Gets every request received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Starts a server that runs <paramref name="handler"/> for every request.</summary>
    /// <param name="handler">Writes the answer.</param>
    /// <param name="certificate">A server certificate for HTTPS, or null for plain HTTP.</param>
    /// <returns>The started server.</returns>
    public static async Task<HostileServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var server = new HostileServer(handler);
        server._server = await LoopbackServer.StartAsync(server.HandleAsync, certificate);
        server.Address = server._server.Address;
        return server;
    }

    /// <summary>A handler that answers <paramref name="status"/> with <paramref name="body"/> and content type.</summary>
    /// <param name="status">The status.</param>
    /// <param name="body">The body text, or null for none.</param>
    /// <param name="contentType">The Content-Type header, or null for none.</param>
    /// <returns>The handler.</returns>
    public static RequestDelegate Answer(int status, string? body, string? contentType = "application/json") => async context =>
    {
        context.Response.StatusCode = status;
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }

        if (body is not null)
        {
            await context.Response.WriteAsync(body);
        }
    };

    /// <summary>Writes filler bytes until <paramref name="totalBytes"/> are sent or the client goes away.</summary>
    /// <param name="context">The request.</param>
    /// <param name="totalBytes">How much to send; <see cref="long.MaxValue"/> for an endless body.</param>
    /// <returns>A task that completes when done.</returns>
    public static async Task StreamAsync(HttpContext context, long totalBytes)
    {
        try
        {
            for (long sent = 0; sent < totalBytes && !context.RequestAborted.IsCancellationRequested;)
            {
                var count = (int)Math.Min(Filler.Length, totalBytes - sent);
                await context.Response.Body.WriteAsync(Filler.AsMemory(0, count), context.RequestAborted);
                sent += count;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client stopped reading: that is the point.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static byte[] CreateFiller()
    {
        var filler = new byte[64 * 1024];
        filler.AsSpan().Fill((byte)'a');
        return filler;
    }

    private Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers));
        return _handler(context);
    }
}
