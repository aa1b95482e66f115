using Microsoft.AspNetCore.Http;

namespace Secrets.Sdk.Http.Tests;

public sealed class RedirectTests
{
    private const string Token = "hvs.TOKEN-THAT-MUST-NOT-TRAVEL";

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task CrossHostRedirect_IsAnErrorNamingBothLocations_AndTheTargetReceivesNothing(int status)
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\":\"stolen\"}"));
        await using var origin = await HostileServer.StartAsync(Redirect(status, new Uri(target.LocalhostAddress, "v1/thing")));
        using var client = Kit.Client(origin);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client, token: Token));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains(origin.Address.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains(target.LocalhostAddress.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains("never follows redirects", ex.Message, StringComparison.Ordinal);
        Assert.Single(origin.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task SameSchemeOnce_FollowsOne307_WithTheRequestsHeaders()
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\":\"from-active\"}"));
        await using var origin = await HostileServer.StartAsync(Redirect(307, new Uri(target.LocalhostAddress, "v1/thing")));
        using var client = Kit.Client(origin, redirects: BackendRedirectPolicy.SameSchemeOnce);

        using var response = await Kit.GetAsync(client, token: Token);

        Assert.Equal("from-active", response.ReadJson(TestJsonContext.Default.SampleAnswer).Value);
        var received = Assert.Single(target.Requests);
        Assert.Equal("/v1/thing", received.PathAndQuery);
        Assert.Equal(Token, received.Headers["X-Secret-Token"]);
    }

    [Fact]
    public async Task SameSchemeOnce_RefusesASecondRedirect()
    {
        await using var third = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var second = await HostileServer.StartAsync(Redirect(307, new Uri(third.Address, "v1/thing")));
        await using var origin = await HostileServer.StartAsync(Redirect(307, new Uri(second.LocalhostAddress, "v1/thing")));
        using var client = Kit.Client(origin, redirects: BackendRedirectPolicy.SameSchemeOnce);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client, token: Token));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("only one redirect", ex.Message, StringComparison.Ordinal);
        Assert.Empty(third.Requests);
    }

    [Fact]
    public async Task SameSchemeOnce_RefusesA302()
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var origin = await HostileServer.StartAsync(Redirect(302, new Uri(target.Address, "v1/thing")));
        using var client = Kit.Client(origin, redirects: BackendRedirectPolicy.SameSchemeOnce);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client, token: Token));

        Assert.Contains("only 307 and 308", ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task HttpsToHttpRedirect_IsRefusedEvenWhenRedirectsAreFollowed()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        await using var plain = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var secure = await HostileServer.StartAsync(Redirect(307, new Uri(plain.Address, "v1/thing")), certificate);
        var options = new BackendHttpOptions { ConfigureHandler = h => h.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true };
        using var client = Kit.Client(secure, options, BackendRedirectPolicy.SameSchemeOnce);
        Assert.Equal("https", secure.Address.Scheme);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client, token: Token));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("from https to http", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://127.0.0.1:" + secure.Address.Port, ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:" + plain.Address.Port, ex.Message, StringComparison.Ordinal);
        Assert.Single(secure.Requests);
        Assert.Empty(plain.Requests);
    }

    [Fact]
    public async Task RedirectLocation_IsRedactedInTheError()
    {
        var location = "http://admin:hunter2@localhost:1/v1/thing?token=QUERY-SECRET";
        await using var origin = await HostileServer.StartAsync(Redirect(307, new Uri(location)));
        using var client = Kit.Client(origin);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client, token: Token));

        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("QUERY-SECRET", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://localhost:1/v1/thing?token=***", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerThatFollowsRedirectsByItself_IsDetected()
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var origin = await HostileServer.StartAsync(Redirect(307, new Uri(target.Address, "v1/other")));
        using var client = Kit.Client(origin, new BackendHttpOptions { CreateClient = () => new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true }) });

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("AllowAutoRedirect", ex.Message, StringComparison.Ordinal);
    }

    private static RequestDelegate Redirect(int status, Uri location) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location.OriginalString;
        return Task.CompletedTask;
    };
}
