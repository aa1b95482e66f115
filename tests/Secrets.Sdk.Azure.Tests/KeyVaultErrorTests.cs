using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Azure.Tests;

public sealed class KeyVaultErrorTests
{
    [Theory]
    [InlineData(RetryAfterHint.Seconds, 2000)]
    [InlineData(RetryAfterHint.Milliseconds, 1500)]
    [InlineData(RetryAfterHint.None, null)]
    public async Task Throttling_IsThrottledWithTheServersDelay_NeverARawRequestFailedException(RetryAfterHint hint, int? expectedMs)
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("A", "1");
        var store = Store(f, new AzureKeyVaultSourceOptions());
        f.Vault.ThrottleNext(1, hint, TimeSpan.FromMilliseconds(expectedMs ?? 1500));

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.Throttled, ex.Kind);
        Assert.Equal(429, ex.Status);
        Assert.Equal(expectedMs is null ? null : TimeSpan.FromMilliseconds(expectedMs.Value), ex.RetryAfter);
        Assert.Contains(f.Vault.VaultUri.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, f.Vault.Count("list")); // the SDK's own retries are off: one request, one answer
    }

    [Theory]
    [InlineData(403, SecretErrorKind.AccessDenied)]
    [InlineData(404, SecretErrorKind.NotFound)]
    [InlineData(503, SecretErrorKind.Unavailable)]
    [InlineData(500, SecretErrorKind.Unavailable)]
    public async Task StatusesMapToKinds_NamingVaultAndSecret(int status, SecretErrorKind kind)
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Present", "1");
        if (status == 403)
        {
            f.Vault.DenySecret("Present");
        }

        var store = Store(f, new AzureKeyVaultSourceOptions());
        var listed = await store.ListSecretsAsync(CancellationToken.None);
        var requested = status == 404 ? new SecretMetadata("Absent") : listed.Single();
        if (status >= 500)
        {
            f.Vault.FailNext(1, status);
        }

        SecretStoreException error;
        try
        {
            var result = (await store.GetSecretsAsync([requested], CancellationToken.None)).Single();
            error = result.Error!; // permanent: a per-secret result
        }
        catch (SecretStoreException transient)
        {
            error = transient;     // transient: thrown for the engine's pipeline to retry this one read
        }

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.Status);
        Assert.Equal(requested.Name, error.SecretName);
        Assert.Contains(f.Vault.VaultUri.Authority, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{requested.Name}'", error.Message, StringComparison.Ordinal);
        Assert.IsNotType<global::Azure.RequestFailedException>(error);
    }

    [Fact]
    public async Task RejectedToken_IsAccessDenied_NamingVaultAndSecret()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Key", "1");

        var ex = Assert.Throws<SecretsLoadException>(() => new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = f.Time;
            s.AddAzureKeyVault(f.Vault.VaultUri, new FixedTokenCredential("not-the-token"), o => f.Configure(o, o => o.AddSecret("Key")));
        }).Build());

        Assert.Contains("Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", ex.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<SecretStoreException>(ex.InnerException, exactMatch: false);
        Assert.Equal(SecretErrorKind.AccessDenied, inner.Kind);
        Assert.Contains(f.Vault.VaultUri.Authority, inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingExplicitSecret_FailsNamingIt_OptionalOneIsSkipped()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("present", "1");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("missing")));
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NotFound", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o => o.AddSecret("present", section: "P").AddSecret("missing", optional: true));
        Assert.Equal("1", config["P"]);
    }

    [Fact]
    public async Task ThrottledFirstRead_IsSurvived_WaitingTheRetryAfterOnTheEnginesClock()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Db--Password", "p1");
        f.Vault.ThrottleNext(1, RetryAfterHint.Milliseconds, TimeSpan.FromMilliseconds(2500));
        var start = f.Time.GetUtcNow();

        var building = Task.Run(() => f.BuildHost(_ => { }, _ => { }));
        var due = await Eventually.ValueAsync(() => f.Time.PendingDueTimes.Where(d => d - start == TimeSpan.FromMilliseconds(2500)).Cast<DateTimeOffset?>().FirstOrDefault(), "the Retry-After delay");
        f.Time.AdvanceTo(due);
        using var host = await building.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StartAsync();

        Assert.Equal("p1", host.Services.GetRequiredService<IConfiguration>()["Db:Password"]);
        Assert.Equal(2, f.Vault.Count("list")); // the throttled page and its one retry by our pipeline
        await host.StopAsync();
    }

    [Fact]
    public async Task A429_ClosesTheVaultsSharedGate_SoAnotherSourcesReadIsNotSent_AndItsErrorNamesVaultAndSecret()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Orders", "o1");
        f.SetSecret("Billing", "b1");
        var orders = f.Build(o =>
        {
            o.AddSecret("Orders");
            o.Resilience.MaxRetryAttempts = 0;
        });
        f.Vault.ThrottleNext(1, RetryAfterHint.Seconds, TimeSpan.FromSeconds(30));

        var throttled = await orders.GetSecretsManager().RefreshAsync();
        Assert.False(throttled.Succeeded);
        Assert.Equal("o1", orders["Orders"]); // kept
        var sent = f.Vault.Requests.Count;

        // Another source on the same vault (and clock) does not send while the vault throttles this process.
        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o =>
        {
            o.AddSecret("Billing");
            o.Resilience.MaxRetryAttempts = 0;
        }));

        var refused = Assert.IsType<SecretStoreException>(ex.InnerException, exactMatch: false);
        Assert.Equal(SecretErrorKind.Throttled, refused.Kind);
        Assert.True(refused.NotSent);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.Equal("Billing", refused.SecretName);
        Assert.Contains(f.Vault.VaultUri.Authority, refused.Message, StringComparison.Ordinal);
        Assert.Contains("was not sent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(sent, f.Vault.Requests.Count);
        ((IDisposable)orders).Dispose();
    }

    [Fact]
    public async Task OversizedAnswer_IsRefusedWithoutBufferingItWhole_AndFailsOnlyItsSecret()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Small", "s");
        f.SetSecret("Huge", new string('x', 5 * 1024 * 1024)); // over the 4 MiB answer limit

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(_ => { }));
        Assert.Contains("Huge", ex.Message, StringComparison.Ordinal);
        Assert.Contains("larger than 4194304 bytes", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o => o.Optional = true);
        Assert.Equal("s", config["Small"]);
        Assert.Null(config["Huge"]);
        Assert.Equal(["Huge"], config.GetSecretsManager().Sources[0].FailedSecrets);
    }

    [Fact]
    public async Task RepeatedNextLink_IsAnError_NotAnEndlessLoop()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.PageSize = 1;
        f.SetSecret("A", "1");
        f.SetSecret("B", "2");
        f.SetSecret("C", "3");
        var store = Store(f, new AzureKeyVaultSourceOptions());

        var listed = await store.ListSecretsAsync(CancellationToken.None);
        Assert.Equal(["A", "B", "C"], listed.Select(s => s.Name));
        Assert.Equal(3, f.Vault.Count("list"));

        f.Vault.RepeatNextLink = true;
        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));
        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("repeated its nextLink", ex.Message, StringComparison.Ordinal);
        Assert.Equal(5, f.Vault.Count("list")); // first page, then a page answering with the link it was fetched by: stop
    }

    private static AzureKeyVaultStore Store(AzureFixture f, AzureKeyVaultSourceOptions options)
    {
        var clientOptions = new SecretClientOptions { Transport = f.Transport, DisableChallengeResourceVerification = true };
        clientOptions.Retry.MaxRetries = 0;
        return new AzureKeyVaultStore(new SecretClient(f.Vault.VaultUri, f.Credential, clientOptions), options, f.Time, NullLogger.Instance);
    }
}
