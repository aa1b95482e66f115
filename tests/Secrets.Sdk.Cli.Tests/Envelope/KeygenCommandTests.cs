namespace Secrets.Sdk.Cli.Tests;

public sealed class KeygenCommandTests
{
    [Fact]
    public async Task Keygen_WritesA256BitBase64Key_InAnOwnerOnlyFile()
    {
        using var dir = new TempDirectory();
        var run = await CliRun.RunAsync(["keygen", "--out", dir.File("kek")]);

        Assert.Equal(0, run.ExitCode);
        var text = File.ReadAllText(dir.File("kek")).Trim();
        Assert.Equal(32, Convert.FromBase64String(text).Length);
        Assert.DoesNotContain(text, run.Error + run.Out, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("kek")));
        }
    }

    [Fact]
    public async Task Keygen_TwoRuns_GiveDifferentKeys()
    {
        using var dir = new TempDirectory();
        await CliRun.RunAsync(["keygen", "--out", dir.File("a")]);
        await CliRun.RunAsync(["keygen", "--out", dir.File("b")]);

        Assert.NotEqual(File.ReadAllText(dir.File("a")), File.ReadAllText(dir.File("b")));
    }

    [Fact]
    public async Task Keygen_ExistingFile_IsNotOverwritten_OneLineError()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("kek"), "keep me");

        var run = await CliRun.RunAsync(["keygen", "--out", dir.File("kek")]);

        run.AssertOneLineError(1, dir.File("kek"), "already exists");
        Assert.Equal("keep me", File.ReadAllText(dir.File("kek")));
    }

    [Fact]
    public async Task Keygen_MissingOut_IsAUsageError()
    {
        var run = await CliRun.RunAsync(["keygen"]);

        run.AssertOneLineError(2, "--out");
    }
}
