using System.Text.Json;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

public sealed class DoctorCommandTests : IAsyncLifetime
{
    private const string Sentinel = "sentinel-password-value";
    private readonly TempDirectory _dir = new();
    private readonly VaultEmulator _vault = new();

    public async Task InitializeAsync()
    {
        await _vault.StartAsync();
        _vault.EnableKv("secret", 2);
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = Sentinel });
        _vault.PutKv("secret", "orders/stripe", new Dictionary<string, string> { ["key"] = "sk-sentinel" });
        File.WriteAllText(_dir.File("token"), VaultEmulator.RootToken);
        File.WriteAllText(_dir.File("bad-token"), "not-a-token");
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Doctor_HealthyVault_Exit0_JsonReportsEverySecret()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "orders-vault"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json", "--instances", "1000"]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var report = JsonDocument.Parse(run.Out);
        var root = report.RootElement;
        Assert.True(root.GetProperty("usable").GetBoolean());
        Assert.Equal(1000, root.GetProperty("instances").GetInt32());
        var source = Assert.Single(root.GetProperty("sources").EnumerateArray());
        Assert.Equal("orders-vault", source.GetProperty("source").GetString());
        Assert.Equal("Vault", source.GetProperty("type").GetString());
        Assert.Equal("SecretsManager:Sources:0", source.GetProperty("path").GetString());
        Assert.True(source.GetProperty("reachable").GetBoolean());
        Assert.True(source.GetProperty("authenticated").GetBoolean());
        // A healthy source was answered, so its latency is measured (a number, not null) and within the kit's 30 s request timeout.
        Assert.Equal(JsonValueKind.Number, source.GetProperty("latencyMilliseconds").ValueKind);
        Assert.InRange(source.GetProperty("latencyMilliseconds").GetDouble(), 0, 30_000);
        Assert.True(Math.Abs(source.GetProperty("clockSkewSeconds").GetDouble()) <= 2, "the emulator's Date header is this machine's clock");
        Assert.Equal(300, source.GetProperty("refreshIntervalSeconds").GetDouble());
        var secrets = source.GetProperty("secrets").EnumerateArray().ToArray();
        Assert.Equal(2, secrets.Length);
        Assert.All(secrets, s => Assert.True(s.GetProperty("readable").GetBoolean()));
        Assert.All(secrets, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("version").GetString())));
        var quotas = source.GetProperty("quotas").EnumerateArray().ToArray();
        var list = Assert.Single(quotas, q => q.GetProperty("operation").GetString() == "LIST secret/");
        Assert.Equal(1, list.GetProperty("callsPerRefresh").GetInt32()); // A steady-state pass lists the folder once.
        Assert.All(quotas, q => Assert.Equal(q.GetProperty("callsPerRefresh").GetInt32() * 1000 / 300.0, q.GetProperty("fleetRequestsPerSecond").GetDouble(), 2));
        Assert.All(quotas, q => Assert.False(q.TryGetProperty("quotaUse", out _))); // Vault publishes no quota.
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_HealthyVault_Table_Exit0()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders"));

        var run = await CliRun.RunAsync(["doctor", "--config", config]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("Vault #0", run.Out, StringComparison.Ordinal);
        Assert.Contains("2/2", run.Out, StringComparison.Ordinal);
        Assert.Contains("Every source is usable.", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WrongToken_Exit1_NotAuthenticated()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(_vault.Address, _dir.File("bad-token"), "orders"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        Assert.Equal(1, run.ExitCode);
        var source = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray());
        Assert.False(source.GetProperty("usable").GetBoolean());
        Assert.True(source.GetProperty("reachable").GetBoolean());
        Assert.False(source.GetProperty("authenticated").GetBoolean());
        Assert.DoesNotContain("not-a-token", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_UnreachablePort_Exit1_NotReachable()
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort.Get()}/");
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(closed, _dir.File("token"), "orders"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        Assert.Equal(1, run.ExitCode);
        var source = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray());
        Assert.False(source.GetProperty("reachable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, source.TryGetProperty("authenticated", out var auth) ? auth.ValueKind : JsonValueKind.Null);
        Assert.Contains("Unavailable", source.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_OneSecretDenied_Exit1_NamesTheSecret()
    {
        var token = _vault.CreateToken(null, null, VaultEmulatorPolicy.ReadList("secret/metadata/orders/"), VaultEmulatorPolicy.ReadOnly("secret/data/orders/db"));
        File.WriteAllText(_dir.File("partial-token"), token);
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(_vault.Address, _dir.File("partial-token"), "orders"));

        var run = await CliRun.RunAsync(["doctor", "--config", config]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1/2", run.Out, StringComparison.Ordinal);
        Assert.Contains("stripe", run.Out, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", run.Out, StringComparison.Ordinal);
        Assert.Contains("Not every source is usable.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_HealthyAndBrokenSources_Exit1_OnlyTheBrokenOneUnusable()
    {
        var config = SettingsFile.Write(
            _dir,
            SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "good"),
            SettingsFile.Vault(_vault.Address, _dir.File("bad-token"), "orders", name: "bad"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        Assert.Equal(1, run.ExitCode);
        var sources = JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("source").GetString()!, s => s.GetProperty("usable").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["good"] = true, ["bad"] = false }, sources);
    }

    [Fact]
    public async Task Doctor_DynamicSecret_ReportsLeaseTtl_AndRevokesTheLeaseItMinted()
    {
        _vault.AddDatabaseRole("orders-rw", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        var config = SettingsFile.Write(_dir, SettingsFile.VaultDynamic(_vault.Address, _dir.File("token"), "database/creds/orders-rw"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var source = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray());
        var secret = Assert.Single(source.GetProperty("secrets").EnumerateArray());
        Assert.InRange(secret.GetProperty("leaseTtlSeconds").GetDouble(), 3500, 3600);
        var lease = Assert.Single(_vault.LeasesUnder("database/creds/orders-rw"));
        Assert.True(_vault.IsLeaseRevoked(lease), "doctor revokes the credential it minted to check the source");
    }

    [Fact]
    public async Task Doctor_MountedFiles_Exit0_WithoutHttpChecks()
    {
        Directory.CreateDirectory(_dir.File("mount"));
        File.WriteAllText(_dir.File(Path.Combine("mount", "ApiKey")), "v");
        var config = SettingsFile.Write(_dir, SettingsFile.Files(_dir.File("mount")));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var source = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray());
        Assert.False(source.TryGetProperty("reachable", out _));
        Assert.False(source.TryGetProperty("clockSkewSeconds", out _));
    }

    [Fact]
    public async Task Doctor_InstancesBelowOne_IsAUsageError()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Files(_dir.File("mount")));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--instances", "0"]);

        run.AssertOneLineError(2, "--instances");
    }
}
