using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

/// <summary><c>secrets doctor</c> on an Azure Key Vault source declared in appsettings.json, against the emulator (HTTPS).</summary>
public sealed class DoctorAzureTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly OffsetClock _clock = new();
    private readonly AzureKeyVaultEmulator _vault;

    public DoctorAzureTests() => _vault = new AzureKeyVaultEmulator(_clock);

    public async Task InitializeAsync()
    {
        await _vault.StartAsync();

        // Written a minute ago: a secret updated in the current second is read again on the next pass (its "updated"
        // has one-second resolution), which would make the steady-state count depend on the test's timing.
        _clock.Offset = TimeSpan.FromMinutes(-1);
        _vault.SetSecret("orders-Database", """{"password":"db-sentinel","username":"orders"}""", "application/json");
        _vault.SetSecret("orders-Stripe", "stripe-sentinel");
        _vault.SetSecret("billing-Other", "other-sentinel");
        _clock.Offset = TimeSpan.Zero;
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Healthy_Exit0_Json_PerSecretReads_LatencySkew_AndQuotaForTheFleet()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "3000"], backends: EmulatorBackends.Azure(_vault));

        var source = DoctorJson.AssertHealthy(run, "orders-kv", "AzureKeyVault", 3000);
        var secrets = DoctorJson.Secrets(source);
        Assert.Equal(["orders-Database", "orders-Stripe"], secrets.Keys.Order(StringComparer.Ordinal));
        Assert.All(secrets.Values, s => Assert.True(s.GetProperty("readable").GetBoolean()));

        // Key Vault lists on every pass (one page here) and reads nothing unchanged; one vault-wide quota of 400/s.
        var quota = Assert.Single(DoctorJson.Quotas(source)).Value;
        Assert.Equal(("secrets", 1, 400.0), (quota.GetProperty("operation").GetString(), quota.GetProperty("callsPerRefresh").GetInt32(), quota.GetProperty("quotaPerSecond").GetDouble()));
        Assert.DoesNotContain("sentinel", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthy_Table_Exit0()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-"));

        var run = await CliRun.RunAsync(["doctor", "--config", config], backends: EmulatorBackends.Azure(_vault));

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("AzureKeyVault #0", run.Out, StringComparison.Ordinal);
        Assert.Contains("2/2", run.Out, StringComparison.Ordinal);
        Assert.Contains("Every source is usable.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedSecret_Exit1_OneLineErrorNamingTheSecret()
    {
        _vault.DenySecret("orders-Stripe");
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault));

        run.AssertOneLineError(1, "source 'orders-kv'", "SecretsManager:Sources:0", "'orders-Stripe'", "AccessDenied");
        var source = DoctorJson.SingleSource(run);
        var secrets = DoctorJson.Secrets(source);
        Assert.True(secrets["orders-Database"].GetProperty("readable").GetBoolean());
        Assert.Equal("AccessDenied", secrets["orders-Stripe"].GetProperty("errorKind").GetString());
        Assert.True(DoctorJson.Flag(source, "authenticated")); // Some answers succeeded: the credential is fine, one permission is not.
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListDenied_Exit1_CannotList()
    {
        _vault.DenyList();
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault));

        run.AssertOneLineError(1, "source 'orders-kv'", "did not load", "AccessDenied");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal((true, false), (DoctorJson.Flag(source, "reachable"), DoctorJson.Flag(source, "canList")));
    }

    [Fact]
    public async Task WrongToken_Exit1_NotAuthenticated()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault, "wrong-token-sentinel"));

        run.AssertOneLineError(1, "source 'orders-kv'", "did not load");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal((true, false), (DoctorJson.Flag(source, "reachable"), DoctorJson.Flag(source, "authenticated")));
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Exit1_NotReachable()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(new Uri($"https://127.0.0.1:{ClosedPort.Get()}/"), "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault));

        run.AssertOneLineError(1, "source 'orders-kv'", "did not load");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal(false, DoctorJson.Flag(source, "reachable"));
        Assert.Null(DoctorJson.Flag(source, "authenticated"));
    }

    [Fact]
    public async Task ServerClockTenMinutesAhead_Exit1_ReportsTheSkew()
    {
        _clock.Offset = TimeSpan.FromMinutes(10);
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault));

        run.AssertOneLineError(1, "source 'orders-kv'", "the server's clock is +", " s from this machine's"); // +599 or +600: Date has whole seconds.
        var source = DoctorJson.SingleSource(run);
        Assert.InRange(source.GetProperty("clockSkewSeconds").GetDouble(), 598, 602);
        Assert.True(DoctorJson.Flag(source, "authenticated"));
    }

    [Fact]
    public async Task Throttled_Exit1_NamesTheErrorKind()
    {
        _vault.ThrottleNext(1000);
        var config = SettingsFile.Write(_dir, SettingsFile.Azure(_vault.VaultUri, "orders-", name: "orders-kv"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Azure(_vault));

        run.AssertOneLineError(1, "source 'orders-kv'", "did not load", "Throttled");
        Assert.True(DoctorJson.Flag(DoctorJson.SingleSource(run), "reachable"));
    }
}
