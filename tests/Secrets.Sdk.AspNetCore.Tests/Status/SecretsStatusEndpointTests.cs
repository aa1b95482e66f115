using Microsoft.AspNetCore.Builder;
using System.Net;
using System.Text.Json;
using Secrets.Sdk.AspNetCore.Tests.Infrastructure;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.AspNetCore.Tests.Status;

public sealed class SecretsStatusEndpointTests
{
    [Fact]
    public async Task Status_LoadedSource_ReportsStateLastLoadAgeAndOneFingerprintPerSecret()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database--User", "orders");
        store.Set("Database--Password", "pw-1");
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")));
        time.Advance(TimeSpan.FromSeconds(42));

        var status = await app.GetStatusAsync();
        var source = StatusApp.Source(status, "orders");

        Assert.Equal("Healthy", status.GetProperty("status").GetString());
        Assert.Equal("Healthy", source.GetProperty("state").GetString());
        Assert.Equal("mem", source.GetProperty("store").GetString());
        Assert.True(source.GetProperty("loaded").GetBoolean());
        Assert.Equal(42, source.GetProperty("ageSeconds").GetDouble(), precision: 3);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(42), source.GetProperty("lastLoadAt").GetDateTimeOffset());
        Assert.Equal(2, source.GetProperty("secretCount").GetInt32());
        var secrets = source.GetProperty("secrets").EnumerateArray().ToArray();
        Assert.Equal(["Database--Password", "Database--User"], secrets.Select(s => s.GetProperty("name").GetString()));
        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{16}$", s.GetProperty("version").GetString()));
        Assert.Empty(source.GetProperty("failingSecrets").EnumerateArray());
    }

    [Fact]
    public async Task Status_AfterARotation_OnlyTheRotatedSecretsFingerprintChanges()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("user", "orders");
        store.Set("password", "pw-1");
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")));
        var before = Fingerprints(await app.GetStatusAsync());

        store.Set("password", "pw-2");
        await app.Manager.RefreshAsync();
        var after = Fingerprints(await app.GetStatusAsync());

        Assert.Equal(before["user"], after["user"]);
        Assert.NotEqual(before["password"], after["password"]);
    }

    [Fact]
    public async Task Status_FailingSecret_IsListedWithItsErrorKind_AndTheSourceIsDegraded()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("good", "g");
        store.Set("denied", "d", optional: true);
        store.FailSecret("denied", SecretErrorKind.AccessDenied);
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")));

        var source = StatusApp.Source(await app.GetStatusAsync(), "orders");
        var failing = Assert.Single(source.GetProperty("failingSecrets").EnumerateArray());

        Assert.Equal("Degraded", source.GetProperty("state").GetString());
        Assert.Equal("denied", failing.GetProperty("name").GetString());
        Assert.Equal("AccessDenied", failing.GetProperty("errorKind").GetString());
        Assert.False(string.IsNullOrEmpty(failing.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Status_SourceFailingAfterLoad_ReportsTheFailureStreakAndKind()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("a", "1");
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")));
        store.FailEverything(SecretErrorKind.Throttled);

        await app.Manager.RefreshAsync();
        await app.Manager.RefreshAsync();
        var source = StatusApp.Source(await app.GetStatusAsync(), "orders");

        Assert.Equal(2, source.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("Throttled", source.GetProperty("lastErrorKind").GetString());
        Assert.True(source.GetProperty("loaded").GetBoolean());
    }

    [Fact]
    public async Task Status_ErrorMessagesOff_KeepsKindsAndDropsDescriptions()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("good", "g");
        store.Set("denied", "d", optional: true);
        store.FailSecret("denied", SecretErrorKind.AccessDenied);
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")), o => o.IncludeErrorMessages = false);

        var source = StatusApp.Source(await app.GetStatusAsync(), "orders");
        var failing = Assert.Single(source.GetProperty("failingSecrets").EnumerateArray());

        Assert.Equal("AccessDenied", failing.GetProperty("errorKind").GetString());
        Assert.False(failing.TryGetProperty("error", out _));
        Assert.False(source.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Status_DynamicSecret_ReportsItsLeaseExpiry()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.SetDynamic("database/creds/app", serial => "generated-" + serial, TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("vault", o => o.Section = "Database")));

        var source = StatusApp.Source(await app.GetStatusAsync(), "vault");
        var secret = Assert.Single(source.GetProperty("secrets").EnumerateArray());

        Assert.Equal("database/creds/app", secret.GetProperty("name").GetString());
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(1), secret.GetProperty("leaseExpiresAt").GetDateTimeOffset());
        Assert.Equal(3600, secret.GetProperty("leaseExpiresInSeconds").GetDouble(), precision: 3);
    }

    [Fact]
    public async Task Status_SharedFingerprintKey_GivesTwoInstancesTheSameFingerprints_RandomKeysDoNot()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var one = await FingerprintsOfNewInstance(o => o.FingerprintKey = key);
        var two = await FingerprintsOfNewInstance(o => o.FingerprintKey = key);
        var random = await FingerprintsOfNewInstance(null);

        Assert.Equal(one["password"], two["password"]);
        Assert.NotEqual(one["password"], random["password"]);
    }

    [Fact]
    public async Task MapSecretsStatus_ShortFingerprintKey_ThrowsNamingTheOption()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("a", "1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")), o => o.FingerprintKey = new byte[8]));

        Assert.Contains("FingerprintKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_CustomPattern_AndOnlyGet()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("a", "1");
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")), endpoints: a => a.MapSecretsStatus("/ops/secrets"));

        using var get = await app.Client.GetAsync(new Uri("/ops/secrets", UriKind.Relative));
        using var post = await app.Client.PostAsync(new Uri("/ops/secrets", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    private static async Task<Dictionary<string, string>> FingerprintsOfNewInstance(Action<SecretsStatusOptions>? status)
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("password", "pw-1");
        await using var app = await StatusApp.StartAsync(time, s => s.AddStore(store, StatusApp.Options("orders")), status);
        return Fingerprints(await app.GetStatusAsync());
    }

    private static Dictionary<string, string> Fingerprints(JsonElement status) =>
        StatusApp.Source(status, "orders").GetProperty("secrets").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("version").GetString()!, StringComparer.Ordinal);
}
