using System.Text.Json;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

/// <summary><c>secrets doctor</c> (and <c>list</c>) on an AWS Secrets Manager source declared in appsettings.json, against the emulator.</summary>
public sealed class DoctorAwsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly AwsEmulator _aws = new();

    public async Task InitializeAsync()
    {
        await _aws.StartAsync();
        _aws.CreateSecret("prod/orders/Database", """{"password":"db-sentinel","username":"orders"}""");
        _aws.CreateSecret("prod/orders/Stripe", "stripe-sentinel");
        _aws.CreateSecret("prod/billing/Other", "other-sentinel");
    }

    public async Task DisposeAsync()
    {
        await _aws.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Healthy_Exit0_Json_PerSecretReads_LatencySkew_AndQuotaForTheFleet()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "500"], backends: EmulatorBackends.Aws());

        var source = DoctorJson.AssertHealthy(run, "orders-aws", "AwsSecretsManager", 500);
        var secrets = DoctorJson.Secrets(source);
        Assert.Equal(["prod/orders/Database", "prod/orders/Stripe"], secrets.Keys.Order(StringComparer.Ordinal));
        Assert.All(secrets.Values, s => Assert.True(s.GetProperty("readable").GetBoolean()));
        // A steady-state pass checks each discovered secret's version (DescribeSecret); listing is once per DiscoveryInterval (15 min).
        Assert.Equal(900, source.GetProperty("discoveryIntervalSeconds").GetDouble());
        var quotas = DoctorJson.Quotas(source);
        Assert.Equal((2, 40_000.0), (quotas["DescribeSecret"].GetProperty("callsPerRefresh").GetInt32(), quotas["DescribeSecret"].GetProperty("quotaPerSecond").GetDouble()));
        Assert.Equal((0, 1, 100.0), (quotas["ListSecrets"].GetProperty("callsPerRefresh").GetInt32(), quotas["ListSecrets"].GetProperty("callsPerDiscovery").GetInt32(), quotas["ListSecrets"].GetProperty("quotaPerSecond").GetDouble()));
        Assert.Equal(500 / 900.0, quotas["ListSecrets"].GetProperty("fleetRequestsPerSecond").GetDouble(), 3);
        Assert.DoesNotContain("sentinel", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_JsonSecretString_EachFieldShowsThatSecretsVersion()
    {
        var rotated = _aws.Rotate("prod/orders/Database", """{"password":"db-sentinel-2","username":"orders","pool":{"max":"10"}}""");
        _aws.CreateSecret("prod/orders/Replica/Database", "replica-sentinel"); // A name that ends like the one above.
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["list", "--config", config], backends: EmulatorBackends.Aws());

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var rows = run.Out.Split('\n').Select(ListVersionTests.Cells).Where(c => c.Length == 4 && c[0] != "Key").ToDictionary(c => c[0], c => c[2]);
        var shortRotated = rotated.Length > 16 ? rotated[..15] + "…" : rotated;
        Assert.Equal(shortRotated, rows["Database:username"]);
        Assert.Equal(shortRotated, rows["Database:pool:max"]);
        Assert.NotEqual(shortRotated, rows["Stripe"]);
        Assert.NotEqual(shortRotated, rows["Replica:Database"]);
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthy_Table_Exit0()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--instances", "10"], backends: EmulatorBackends.Aws());

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("AwsSecretsManager #0", run.Out, StringComparison.Ordinal);
        Assert.Contains("2/2", run.Out, StringComparison.Ordinal);
        Assert.Contains("ListSecrets", run.Out, StringComparison.Ordinal); // The quota column names the operation nearest its quota.
        Assert.Contains("Every source is usable.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedSecret_Exit1_OneLineErrorNamingTheSecret()
    {
        _aws.DenySecret("prod/orders/Stripe");
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Aws());

        run.AssertOneLineError(1, "source 'orders-aws'", "SecretsManager:Sources:0", "'prod/orders/Stripe'", "AccessDenied");
        var source = DoctorJson.SingleSource(run);
        Assert.False(source.GetProperty("usable").GetBoolean());
        var secrets = DoctorJson.Secrets(source);
        Assert.True(secrets["prod/orders/Database"].GetProperty("readable").GetBoolean());
        Assert.Equal("AccessDenied", secrets["prod/orders/Stripe"].GetProperty("errorKind").GetString());
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListDenied_Exit1_CannotList()
    {
        _aws.DenyOperation("ListSecrets");
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Aws());

        run.AssertOneLineError(1, "source 'orders-aws'", "AccessDenied");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal((true, false), (DoctorJson.Flag(source, "reachable"), DoctorJson.Flag(source, "canList")));
    }

    [Fact]
    public async Task WrongCredential_Exit1_NotAuthenticated()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Aws("wrong-secret-key-sentinel"));

        run.AssertOneLineError(1, "source 'orders-aws'", "did not load");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal((true, false), (DoctorJson.Flag(source, "reachable"), DoctorJson.Flag(source, "authenticated")));
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Exit1_NotReachable()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(new Uri($"http://127.0.0.1:{ClosedPort.Get()}/"), "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Aws());

        run.AssertOneLineError(1, "source 'orders-aws'", "Unavailable");
        var source = DoctorJson.SingleSource(run);
        Assert.Equal(false, DoctorJson.Flag(source, "reachable"));
        Assert.Null(DoctorJson.Flag(source, "authenticated"));
    }

    [Fact]
    public async Task Throttled_Exit1_NamesTheErrorKind()
    {
        _aws.ThrottleNext(1000);
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"], backends: EmulatorBackends.Aws());

        run.AssertOneLineError(1, "source 'orders-aws'", "did not load", "Throttled");
        var source = DoctorJson.SingleSource(run);
        Assert.True(DoctorJson.Flag(source, "reachable"));
        Assert.NotEqual(false, DoctorJson.Flag(source, "authenticated")); // A throttled answer says nothing against the credentials.
    }

    [Fact]
    public async Task FleetOverTheListQuota_Exit1_SaysWhichQuota()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Aws(_aws.Address, "prod/orders/", name: "orders-aws"));

        // One ListSecrets per 900 s discovery: 100,000 instances make 111 requests/s against a quota of 100/s.
        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "100000"], backends: EmulatorBackends.Aws());

        run.AssertOneLineError(1, "source 'orders-aws'", "100000 instances", "ListSecrets quota", "DiscoveryInterval");
        var source = DoctorJson.SingleSource(run);
        DoctorJson.AssertShape(source, 100000);
        Assert.True(DoctorJson.Quotas(source)["ListSecrets"].GetProperty("quotaUse").GetDouble() > 1);
    }
}
