using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// A Kestrel server on 127.0.0.1 with a free port that hands every request to one handler: the host of every wire
/// emulator. Plain HTTP, or HTTPS when a certificate is given. Logging is off, so tests see only what they capture.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorFaultInjector? _faults;

    private LoopbackServer(WebApplication app, Uri address, EmulatorFaultInjector? faults)
    {
        _app = app;
        _faults = faults;
        Address = address;
    }

    /// <summary>Gets the server's base address, <c>http(s)://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts a server that answers every request with <paramref name="handler"/>.</summary>
    /// <param name="handler">Handles each request.</param>
    /// <param name="certificate">The server certificate for HTTPS; <see langword="null"/> for plain HTTP.</param>
    /// <returns>The started server, accepting requests.</returns>
    public static Task<LoopbackServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null) =>
        StartAsync(handler, certificate, faults: null);

    /// <summary>
    /// Starts a server that passes every request through <paramref name="faults"/> (which may answer it with an
    /// injected fault) before <paramref name="handler"/>; held requests are released when the server is disposed.
    /// </summary>
    /// <param name="handler">Handles each request.</param>
    /// <param name="certificate">The server certificate for HTTPS; <see langword="null"/> for plain HTTP.</param>
    /// <param name="faults">The emulator's fault injector, or <see langword="null"/> for none.</param>
    /// <returns>The started server, accepting requests.</returns>
    internal static async Task<LoopbackServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate, EmulatorFaultInjector? faults)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(faults is null ? handler : context => faults.InvokeAsync(context, handler));
        await app.StartAsync().ConfigureAwait(false);
        var server = (IServer)app.Services.GetService(typeof(IServer))!;
        var port = new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var scheme = certificate is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        return new LoopbackServer(app, new Uri($"{scheme}://127.0.0.1:{port}/"), faults);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _faults?.Stop();
        return _app.DisposeAsync();
    }
}
