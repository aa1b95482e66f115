using Microsoft.Extensions.DependencyInjection;

namespace Secrets.Sdk.Http.Tests;

public sealed class ClientFactoryTests
{
    [Fact]
    public void Handler_HasPooledLifetimeConnectTimeoutAndNoRedirects_EvenWhenTheHookAsksForThem()
    {
        var options = new BackendHttpOptions
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ConfigureHandler = h =>
            {
                h.AllowAutoRedirect = true;
                h.UseProxy = false;
            },
        };

        using var handler = BackendHttpClientFactory.CreateHandler(options);

        Assert.Equal(TimeSpan.FromMinutes(2), handler.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(3), handler.ConnectTimeout);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
    }

    [Fact]
    public void UserHandler_HasAutomaticRedirectsSwitchedOff()
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = true };
        using var client = BackendHttpClientFactory.CreateHttpClient(new Uri("https://vault.example"), new BackendHttpOptions { CreateHandler = () => handler });

        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(new Uri("https://vault.example/"), client.BaseAddress);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public void CreateClient_TakesANamedClientFromIHttpClientFactory_AndOwnsItsAddressAndTimeout()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("secrets", c =>
        {
            c.DefaultRequestHeaders.Add("X-Configured-By", "factory");
            c.Timeout = TimeSpan.FromSeconds(7);
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        var created = 0;

        using var client = BackendHttpClientFactory.CreateHttpClient(
            new Uri("https://kv.example"),
            new BackendHttpOptions { CreateClient = () => { created++; return factory.CreateClient("secrets"); } });

        Assert.Equal(1, created);
        Assert.Equal(["factory"], client.DefaultRequestHeaders.GetValues("X-Configured-By"));
        Assert.Equal(new Uri("https://kv.example/"), client.BaseAddress);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public void CreateClient_ReturningNull_IsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => BackendHttpClientFactory.CreateHttpClient(new Uri("https://kv.example"), new BackendHttpOptions { CreateClient = () => null! }));

        Assert.Contains("CreateClient returned null", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://vault.example:8200")]
    [InlineData("http://10.0.0.5")]
    [InlineData("ftp://127.0.0.1")]
    public void PlainHttpToANonLoopbackHost_IsRefused_UnlessAllowed(string address)
    {
        var ex = Assert.Throws<ArgumentException>(() => BackendHttpClientFactory.CreateHttpClient(new Uri(address), new BackendHttpOptions()));

        Assert.Contains(new Uri(address).Host, ex.Message, StringComparison.Ordinal);
        if (address.StartsWith("http:", StringComparison.Ordinal))
        {
            Assert.Contains("AllowInsecureHttp", ex.Message, StringComparison.Ordinal);
            using var allowed = BackendHttpClientFactory.CreateHttpClient(new Uri(address), new BackendHttpOptions { AllowInsecureHttp = true });
            Assert.NotNull(allowed.BaseAddress);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8200")]
    [InlineData("http://127.3.4.5")]
    [InlineData("http://localhost:8200")]
    [InlineData("http://[::1]:8200")]
    public void PlainHttpToLoopback_IsAllowed(string address)
    {
        using var client = BackendHttpClientFactory.CreateHttpClient(new Uri(address), new BackendHttpOptions());

        Assert.True(BackendHttpClientFactory.IsLoopback(new Uri(address)));
        Assert.NotNull(client.BaseAddress);
    }

    [Fact]
    public void InvalidOptions_AreNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BackendHttpOptions { MaxResponseBytes = 0 }.Validate());
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ArgumentException>(() => new BackendHttpOptions { MaxSecretBytes = 10, MaxResponseBytes = 5 }.Validate());
        Assert.Contains("MaxSecretBytes", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ArgumentException>(() => new BackendHttpOptions { RequestTimeout = Timeout.InfiniteTimeSpan }.Validate());
        Assert.Contains("RequestTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCaBundle_IsANamedError()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-ca-" + Guid.NewGuid().ToString("N") + ".pem");

        var ex = Assert.Throws<ArgumentException>(() => BackendHttpClientFactory.CreateHandler(new BackendHttpOptions { CaCertificatesPath = path }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaBundle_IsTrusted_ForTheServersCertificate()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\":\"tls\"}"), certificate);
            using var trusting = Kit.Client(server, new BackendHttpOptions { CaCertificatesPath = caFile });
            using var strict = Kit.Client(server);

            Assert.Equal("tls", (await Kit.ReadAsync(trusting)).Value);
            var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(strict));
            Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        }
        finally
        {
            File.Delete(caFile);
        }
    }
}
