using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

/// <summary><c>secrets doctor</c> on a GCP Secret Manager source declared in appsettings.json, against the emulator.</summary>
public sealed class DoctorGcpTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Orders = new() { ["app"] = "orders" };
    private readonly TempDirectory _dir = new();
    private readonly GcpEmulator _gcp = new();

    public async Task InitializeAsync()
    {
        await _gcp.StartAsync();
        _gcp.CreateSecret("Database", """{"password":"db-sentinel","username":"orders"}""", Orders);
        _gcp.CreateSecret("Stripe", "stripe-sentinel", Orders);
        _gcp.CreateSecret("Other", "other-sentinel", new Dictionary<string, string> { ["app"] = "billing" });
    }

    public async Task DisposeAsync()
    {
        await _gcp.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Healthy_Exit0_Json_PerSecretReads_LatencySkew_AndQuotaForTheFleet()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "1000"], backends: EmulatorBackends.Gcp());

        var source = DoctorJson.AssertHealthy(run, "orders-gcp", "GcpSecretManager", 1000);
        var secrets = DoctorJson.Secrets(source);
        Assert.Equal(["Database", "Stripe"], secrets.Keys.Order(StringComparer.Ordinal));
        Assert.All(secrets.Values, s => Assert.Equal("1", s.GetProperty("version").GetString()));

        // Each pass accesses every secret's latest version; the listing (a metadata read) runs once per DiscoveryInterval (1 h).
        Assert.Equal(3600, source.GetProperty("discoveryIntervalSeconds").GetDouble());
        var quotas = DoctorJson.Quotas(source);
        Assert.Equal((2, 1500.0), (quotas["versions.access"].GetProperty("callsPerRefresh").GetInt32(), quotas["versions.access"].GetProperty("quotaPerSecond").GetDouble()));
        Assert.Equal((0, 1, 10.0), (quotas["metadata"].GetProperty("callsPerRefresh").GetInt32(), quotas["metadata"].GetProperty("callsPerDiscovery").GetInt32(), quotas["metadata"].GetProperty("quotaPerSecond").GetDouble()));
        Assert.DoesNotContain("sentinel", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthy_Table_Exit0()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId));

        var run = await CliRun.RunAsync(["doctor", "--config", config], backends: EmulatorBackends.Gcp());

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("GcpSecretManager #0", run.Out, StringComparison.Ordinal);
        Assert.Contains("2/2", run.Out, StringComparison.Ordinal);
        Assert.Contains("Every source is usable.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedSecret_Exit1_OneLineErrorNamingTheSecret()
    {
        _gcp.Deny("Stripe");
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Gcp());

        run.AssertOneLineError(1, "source 'orders-gcp'", "SecretsManager:Sources:0", "'Stripe'", "AccessDenied");
        var secrets = DoctorJson.Secrets(DoctorJson.SingleSource(run));
        Assert.True(secrets["Database"].GetProperty("readable").GetBoolean());
        Assert.Equal("AccessDenied", secrets["Stripe"].GetProperty("errorKind").GetString());
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_Exit1_NotAuthenticated()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Gcp("wrong-token-sentinel"));

        run.AssertOneLineError(1, "source 'orders-gcp'", "did not load");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal((true, false), (DoctorJson.Flag(source, "reachable"), DoctorJson.Flag(source, "authenticated")));
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Exit1_NotReachable()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(new Uri($"http://127.0.0.1:{ClosedPort.Get()}/"), GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Gcp());

        run.AssertOneLineError(1, "source 'orders-gcp'", "Unavailable");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal(false, DoctorJson.Flag(source, "reachable"));
        Assert.Null(DoctorJson.Flag(source, "authenticated"));
    }

    [Fact]
    public async Task Throttled_Exit1_NamesTheErrorKind()
    {
        _gcp.ThrottleNext(1000);
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Gcp());

        run.AssertOneLineError(1, "source 'orders-gcp'", "did not load", "Throttled");
        Assert.True(DoctorJson.Flag(DoctorJson.SingleSource(run), "reachable"));
    }

    [Fact]
    public async Task FleetOverTheMetadataQuota_Exit1_SaysWhichQuota()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        // One list per hour: 40,000 instances make 11 metadata reads/s against a project quota of 600 per minute (10/s).
        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "40000"], backends: EmulatorBackends.Gcp());

        run.AssertOneLineError(1, "source 'orders-gcp'", "40000 instances", "metadata quota", "DiscoveryInterval");
        Assert.True(DoctorJson.Quotas(DoctorJson.SingleSource(run))["metadata"].GetProperty("quotaUse").GetDouble() > 1);
    }
}
