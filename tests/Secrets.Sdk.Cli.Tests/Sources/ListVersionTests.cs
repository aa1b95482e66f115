using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

/// <summary><c>secrets list</c> names the source and version of the secret behind each key, as the engine reports them.</summary>
public sealed class ListVersionTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly VaultEmulator _vault = new();

    public async Task InitializeAsync()
    {
        await _vault.StartAsync();
        _vault.EnableKv("secret", 2);
        _vault.EnableKv("shared", 2);
        File.WriteAllText(_dir.File("token"), VaultEmulator.RootToken);
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task List_JsonSecretExpandingToSeveralKeys_EachKeyShowsThatSecretsVersion_NotANameAlike()
    {
        // "orders/db" (version 3) expands to two keys; "orders/billing/db" (version 1) ends in the same name segment.
        for (var i = 1; i <= 3; i++)
        {
            _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["username"] = "u-sentinel", ["password"] = $"p{i}-sentinel" });
        }

        _vault.PutKv("secret", "orders/billing/db", new Dictionary<string, string> { ["password"] = "b-sentinel" });
        var config = SettingsFile.Write(_dir, SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "orders"));

        var run = await CliRun.RunAsync(["list", "--config", config]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var rows = Rows(run.Out);
        Assert.Equal(("orders", "3"), rows["db:username"]);
        Assert.Equal(("orders", "3"), rows["db:password"]);
        Assert.Equal(("orders", "1"), rows["billing:db:password"]);
        Assert.Equal(3, rows.Count);
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_TwoSourcesProducingTheSameKeys_EachRowHasItsOwnSourceAndVersion_TheLaterWins()
    {
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "first-sentinel" });
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "first-sentinel-2" });
        _vault.PutKv("shared", "orders/db", new Dictionary<string, string> { ["password"] = "second-sentinel" });
        var config = SettingsFile.Write(
            _dir,
            SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "first"),
            SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "second", mount: "shared"));

        var run = await CliRun.RunAsync(["list", "--config", config, "--reveal"]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var lines = run.Out.Split('\n').Where(l => l.Contains("db:password", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        var first = Assert.Single(lines, l => l.Contains("first-sentinel-2", StringComparison.Ordinal));
        var second = Assert.Single(lines, l => l.Contains("second-sentinel", StringComparison.Ordinal));
        Assert.Equal(["db:password", "first (overridden by second)", "2", "first-sentinel-2"], Cells(first));
        Assert.Equal(["db:password", "second", "1", "second-sentinel"], Cells(second));
    }

    [Fact]
    public async Task List_OneSourceFails_OneLineErrorNamingIt_TheOthersAreStillListed()
    {
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "p-sentinel" });
        File.WriteAllText(_dir.File("bad-token"), "bad-token-sentinel");
        var config = SettingsFile.Write(
            _dir,
            SettingsFile.Vault(_vault.Address, _dir.File("token"), "orders", name: "good"),
            SettingsFile.Vault(_vault.Address, _dir.File("bad-token"), "orders", name: "bad"));

        var run = await CliRun.RunAsync(["list", "--config", config]);

        run.AssertOneLineError(1, "source 'bad'", "SecretsManager:Sources:1", "did not load");
        Assert.Equal(("good", "1"), Rows(run.Out)["db:password"]);
        Assert.DoesNotContain("sentinel", run.Out + run.Error, StringComparison.Ordinal);
    }

    /// <summary>The table's cells of one row (Spectre draws columns between box characters).</summary>
    internal static string[] Cells(string line) =>
        line.Split('│', '|').Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();

    /// <summary>Key to (source, version) for every row of a list table.</summary>
    private static Dictionary<string, (string Source, string Version)> Rows(string table) =>
        table.Split('\n').Select(Cells).Where(c => c.Length == 4 && c[0] != "Key").ToDictionary(c => c[0], c => (c[1], c[2]));
}
