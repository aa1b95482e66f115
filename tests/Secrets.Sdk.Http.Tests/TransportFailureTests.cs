using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Http.Tests;

public sealed class TransportFailureTests
{
    [Fact]
    public async Task ConnectionRefused_IsUnavailable()
    {
        using var client = BackendHttpClient.Create(new Uri("http://127.0.0.1:1/"), "Test service", "test-store", new BackendHttpOptions());
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/thing");

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => client.SendAsync(request, Kit.Read, CancellationToken.None));

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal("orders/db", ex.SecretName);
    }

    [Fact]
    public async Task ConnectionResetMidBody_IsUnavailable()
    {
        await using var server = new RawSocketServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"Value\":");
        using var client = BackendHttpClient.Create(server.Address, "Test service", "test-store", new BackendHttpOptions());

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.Contains("broke while reading", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerThatNeverAnswers_TimesOutOnTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await HostileServer.StartAsync(async context =>
        {
            received.TrySetResult();
            await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
        });
        using var client = Kit.Client(server, new BackendHttpOptions { RequestTimeout = TimeSpan.FromSeconds(30) }, time: time);

        var call = Kit.GetAsync(client);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => call);
        release.TrySetResult();

        Assert.Equal(SecretErrorKind.Timeout, ex.Kind);
        Assert.Contains("timed out after 30 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersCancellation_IsNotATimeout()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await HostileServer.StartAsync(async context =>
        {
            received.TrySetResult();
            await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
        });
        using var client = Kit.Client(server);
        using var cancellation = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/thing");

        var call = client.SendAsync(request, Kit.Read, cancellation.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        release.TrySetResult();
    }

    [Theory]
    [InlineData(400, SecretErrorKind.InvalidRequest)]
    [InlineData(401, SecretErrorKind.Unauthenticated)]
    [InlineData(403, SecretErrorKind.AccessDenied)]
    [InlineData(404, SecretErrorKind.NotFound)]
    [InlineData(408, SecretErrorKind.Timeout)]
    [InlineData(429, SecretErrorKind.Throttled)]
    [InlineData(500, SecretErrorKind.Unavailable)]
    [InlineData(503, SecretErrorKind.Unavailable)]
    [InlineData(504, SecretErrorKind.Timeout)]
    [InlineData(418, SecretErrorKind.Unknown)]
    public void Status_IsClassifiedInOnePlace(int status, SecretErrorKind expected) =>
        Assert.Equal(expected, BackendErrorClassifier.FromStatus(status));

    [Fact]
    public void TransportExceptions_AreClassified()
    {
        Assert.Equal(SecretErrorKind.Unavailable, BackendErrorClassifier.FromTransport(new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal(SecretErrorKind.Timeout, BackendErrorClassifier.FromTransport(new HttpRequestException("slow", new SocketException((int)SocketError.TimedOut))));
        Assert.Equal(SecretErrorKind.Timeout, BackendErrorClassifier.FromTransport(new TaskCanceledException("timeout", new TimeoutException())));
        Assert.Equal(SecretErrorKind.Unavailable, BackendErrorClassifier.FromTransport(new IOException("reset")));
        Assert.Equal(SecretErrorKind.Unavailable, BackendErrorClassifier.FromTransport(new HttpRequestException("tls", new AuthenticationException())));
        Assert.Equal(SecretErrorKind.Unknown, BackendErrorClassifier.FromTransport(new InvalidOperationException()));
        Assert.True(BackendErrorClassifier.IsTransportFailure(new HttpRequestException(HttpRequestError.NameResolutionError, "dns")));
        Assert.False(BackendErrorClassifier.IsTransportFailure(new InvalidOperationException()));
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)200);
    }
}
