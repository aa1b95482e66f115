namespace Secrets.Sdk.Cli.Tests;

public sealed class ListCommandTests : IDisposable
{
    private const string Password = "hunter2-sentinel";
    private readonly TempDirectory _dir = new();

    public ListCommandTests()
    {
        var mount = Directory.CreateDirectory(_dir.File("mount")).FullName;
        File.WriteAllText(Path.Combine(mount, "Database__Password"), Password);
        File.WriteAllText(Path.Combine(mount, "ApiKey"), "k-123");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task List_MasksValues_ShowingKeySourceLengthAndHash()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Files(_dir.File("mount")));

        var run = await CliRun.RunAsync(["list", "--config", config]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Database:Password", run.Out, StringComparison.Ordinal);
        Assert.Contains("ApiKey", run.Out, StringComparison.Ordinal);
        Assert.Contains("MountedFiles #0", run.Out, StringComparison.Ordinal);
        Assert.Contains(ListCommand.MaskValue(Password), run.Out, StringComparison.Ordinal);
        Assert.Contains($"len={Password.Length}", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Out + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("k-123", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Reveal_PrintsValues()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Files(_dir.File("mount")));

        var run = await CliRun.RunAsync(["list", "--config", config, "--reveal"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(Password, run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(ListCommand.Mask, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskValue_IsStable_AndTellsValuesApart()
    {
        Assert.Equal(ListCommand.MaskValue("a"), ListCommand.MaskValue("a"));
        Assert.NotEqual(ListCommand.MaskValue("a"), ListCommand.MaskValue("b"));
        Assert.Matches(@"^\*{8} len=1 sha256:[0-9a-f]{8}$", ListCommand.MaskValue("a"));
    }

    [Fact]
    public async Task List_MissingConfigFile_OneLineError()
    {
        var run = await CliRun.RunAsync(["list", "--config", _dir.File("nope.json")]);

        run.AssertOneLineError(1, _dir.File("nope.json"), "does not exist");
    }

    [Fact]
    public async Task List_MissingSection_NamesIt()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Files(_dir.File("mount")));

        var run = await CliRun.RunAsync(["list", "--config", config, "--section", "Secrets"]);

        run.AssertOneLineError(1, config, "'Secrets'");
    }

    [Fact]
    public async Task List_UnknownSourceType_NamesThePath()
    {
        var config = SettingsFile.Write(_dir, new System.Text.Json.Nodes.JsonObject { ["Type"] = "Vaultt" });

        var run = await CliRun.RunAsync(["list", "--config", config]);

        run.AssertOneLineError(1, config, "SecretsManager:Sources:0", "Vault");
    }
}
