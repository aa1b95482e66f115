using System.Security.Cryptography;

namespace Secrets.Sdk.Cli.Tests;

public sealed class EnvelopeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(200_000);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EncryptDecrypt_Files_RoundTripWithContext()
    {
        var kek = await KeygenAsync("kek");
        File.WriteAllBytes(_dir.File("plain"), _plaintext);

        var encrypted = await CliRun.RunAsync(["encrypt", "--kek", kek, "--context", "app=orders", "--context", "env=prod", "--in", _dir.File("plain"), "--out", _dir.File("plain.enc")]);
        var decrypted = await CliRun.RunAsync(["decrypt", "--kek", kek, "--context", "env=prod", "--context", "app=orders", "--in", _dir.File("plain.enc"), "--out", _dir.File("plain.out")]);

        Assert.Equal((0, 0), (encrypted.ExitCode, decrypted.ExitCode));
        Assert.Equal(string.Empty, encrypted.Error + decrypted.Error);
        Assert.NotEqual(_plaintext, File.ReadAllBytes(_dir.File("plain.enc"))[^_plaintext.Length..]);
        Assert.Equal(_plaintext, File.ReadAllBytes(_dir.File("plain.out")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("plain.out")));
        }

        Assert.Empty(TemporaryFiles());
    }

    [Fact]
    public async Task EncryptDecrypt_Pipes_RoundTripThroughStandardStreams()
    {
        var kek = await KeygenAsync("kek");

        var encrypted = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], _plaintext);
        var decrypted = await CliRun.RunAsync(["decrypt", "--kek", kek, "--in", "-", "--out", "-"], encrypted.StandardOutput);

        Assert.Equal((0, 0), (encrypted.ExitCode, decrypted.ExitCode));
        Assert.Equal("SSEV"u8.ToArray(), encrypted.StandardOutput[..4]);
        Assert.Equal(_plaintext, decrypted.StandardOutput);
    }

    [Fact]
    public async Task KeyRing_FirstKekWraps_ARingHoldingItDecrypts_TheOtherAloneDoesNot()
    {
        var newKek = await KeygenAsync("new");
        var oldKek = await KeygenAsync("old");

        var encrypted = await CliRun.RunAsync(["encrypt", "--kek", newKek, "--kek", oldKek, "--in", "-", "--out", "-"], _plaintext);
        var withRing = await CliRun.RunAsync(["decrypt", "--kek", oldKek, "--kek", newKek, "--in", "-", "--out", "-"], encrypted.StandardOutput);
        var withOldOnly = await CliRun.RunAsync(["decrypt", "--kek", oldKek, "--in", "-", "--out", "-"], encrypted.StandardOutput);

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Equal(_plaintext, withRing.StandardOutput);
        withOldOnly.AssertOneLineError(1, "could not be decrypted");
    }

    [Fact]
    public async Task Decrypt_WrongKek_OneLineError_Exit1_NoOutputFile()
    {
        var kek = await KeygenAsync("kek");
        var other = await KeygenAsync(Path.Combine("other", "kek"));
        File.WriteAllBytes(_dir.File("plain"), _plaintext);
        await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("plain"), "--out", _dir.File("msg")]);

        var run = await CliRun.RunAsync(["decrypt", "--kek", other, "--in", _dir.File("msg"), "--out", _dir.File("out")]);

        run.AssertOneLineError(1, _dir.File("msg"), "could not be decrypted");
        Assert.False(File.Exists(_dir.File("out")));
        Assert.Empty(TemporaryFiles());
    }

    [Fact]
    public async Task Decrypt_TamperedBody_OneLineError_Exit1_LeavesNoPlaintextFile()
    {
        var kek = await KeygenAsync("kek");
        var message = (await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], _plaintext)).StandardOutput;
        message[^100] ^= 0x01;
        File.WriteAllBytes(_dir.File("msg"), message);

        var run = await CliRun.RunAsync(["decrypt", "--kek", kek, "--in", _dir.File("msg"), "--out", _dir.File("out")]);

        run.AssertOneLineError(1, _dir.File("msg"), "could not be decrypted");
        Assert.False(File.Exists(_dir.File("out")));
    }

    [Fact]
    public async Task Decrypt_TruncatedPipe_OneLineError_Exit1()
    {
        var kek = await KeygenAsync("kek");
        var message = (await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], _plaintext)).StandardOutput;

        var run = await CliRun.RunAsync(["decrypt", "--kek", kek, "--in", "-", "--out", "-"], message[..^10]);

        run.AssertOneLineError(1, "input '-'", "could not be decrypted");
    }

    [Fact]
    public async Task Decrypt_WrongContext_OneLineError_Exit1()
    {
        var kek = await KeygenAsync("kek");
        var message = (await CliRun.RunAsync(["encrypt", "--kek", kek, "--context", "app=a", "--in", "-", "--out", "-"], _plaintext)).StandardOutput;

        var run = await CliRun.RunAsync(["decrypt", "--kek", kek, "--context", "app=b", "--in", "-", "--out", "-"], message);

        run.AssertOneLineError(1, "could not be decrypted");
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task Decrypt_NotAnEnvelope_SaysSo()
    {
        var kek = await KeygenAsync("kek");

        var run = await CliRun.RunAsync(["decrypt", "--kek", kek, "--in", "-", "--out", "-"], System.Text.Encoding.UTF8.GetBytes(new string('x', 300)));

        run.AssertOneLineError(1, "input '-' is not a readable envelope");
    }

    [Fact]
    public async Task Encrypt_MissingKeyFile_NamesTheUri()
    {
        var uri = "local:" + _dir.File("missing");

        var run = await CliRun.RunAsync(["encrypt", "--kek", uri, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(1, uri, "does not exist");
    }

    [Fact]
    public async Task Encrypt_MissingInput_NamesTheFile()
    {
        var kek = await KeygenAsync("kek");

        var run = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("nope"), "--out", _dir.File("x")]);

        run.AssertOneLineError(1, _dir.File("nope"), "does not exist");
        Assert.False(File.Exists(_dir.File("x")));
    }

    [Theory]
    [InlineData("vault:whatever", "unknown")]
    [InlineData("local:", "nothing after")]
    [InlineData("vault-transit:no-mount", "no mount")]
    [InlineData("no-scheme-at-all", "")]
    public async Task Encrypt_MalformedOrUnknownKekUri_IsAUsageErrorNamingIt(string uri, string reason)
    {
        var run = await CliRun.RunAsync(["encrypt", "--kek", uri, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(2, $"'{uri}'", reason);
    }

    [Fact]
    public async Task Encrypt_SameKekTwice_IsAUsageError()
    {
        var kek = await KeygenAsync("kek");

        var run = await CliRun.RunAsync(["encrypt", "--kek", kek, "--kek", kek, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(2, "twice");
    }

    [Theory]
    [InlineData("novalue", "--context 'novalue' is not KEY=VALUE")]
    [InlineData("=value", "--context '=value' is not KEY=VALUE")]
    public async Task Encrypt_MalformedContext_IsAUsageError(string entry, string message)
    {
        var kek = await KeygenAsync("kek");

        var run = await CliRun.RunAsync(["encrypt", "--kek", kek, "--context", entry, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(2, message);
    }

    [Fact]
    public async Task Encrypt_RepeatedContextKey_IsAUsageError()
    {
        var kek = await KeygenAsync("kek");

        var run = await CliRun.RunAsync(["encrypt", "--kek", kek, "--context", "a=1", "--context", "a=2", "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(2, "--context key 'a' is given twice");
    }

    [Fact]
    public async Task Rewrap_NewKekOpens_OldDoesNot_BodyBytesUntouched()
    {
        var oldKek = await KeygenAsync("old");
        var newKek = await KeygenAsync("new");
        File.WriteAllBytes(_dir.File("plain"), _plaintext);
        await CliRun.RunAsync(["encrypt", "--kek", oldKek, "--context", "app=orders", "--in", _dir.File("plain"), "--out", _dir.File("msg")]);

        var rewrap = await CliRun.RunAsync(["rewrap", "--kek", oldKek, "--to", newKek, "--in", _dir.File("msg"), "--out", _dir.File("msg2")]);
        var withNew = await CliRun.RunAsync(["decrypt", "--kek", newKek, "--context", "app=orders", "--in", _dir.File("msg2"), "--out", "-"]);
        var withOld = await CliRun.RunAsync(["decrypt", "--kek", oldKek, "--context", "app=orders", "--in", _dir.File("msg2"), "--out", "-"]);

        Assert.Equal(0, rewrap.ExitCode);
        Assert.Equal(_plaintext, withNew.StandardOutput);
        withOld.AssertOneLineError(1, "could not be decrypted");
        var before = File.ReadAllBytes(_dir.File("msg"));
        var after = File.ReadAllBytes(_dir.File("msg2"));
        Assert.NotEqual(before, after);
        Assert.True(CommonSuffixLength(before, after) >= _plaintext.Length, "the body (at least the plaintext's length) is copied byte for byte");
    }

    [Fact]
    public async Task Rewrap_ThroughPipes_RoundTrips()
    {
        var oldKek = await KeygenAsync("old");
        var newKek = await KeygenAsync("new");
        var message = (await CliRun.RunAsync(["encrypt", "--kek", oldKek, "--in", "-", "--out", "-"], _plaintext)).StandardOutput;

        var rewrapped = await CliRun.RunAsync(["rewrap", "--kek", oldKek, "--to", newKek, "--in", "-", "--out", "-"], message);
        var decrypted = await CliRun.RunAsync(["decrypt", "--kek", newKek, "--in", "-", "--out", "-"], rewrapped.StandardOutput);

        Assert.Equal(0, rewrapped.ExitCode);
        Assert.Equal(_plaintext, decrypted.StandardOutput);
    }

    [Fact]
    public async Task Rewrap_WrongOldKek_OneLineError_Exit1()
    {
        var oldKek = await KeygenAsync("old");
        var newKek = await KeygenAsync("new");
        var message = (await CliRun.RunAsync(["encrypt", "--kek", oldKek, "--in", "-", "--out", "-"], _plaintext)).StandardOutput;

        var run = await CliRun.RunAsync(["rewrap", "--kek", newKek, "--to", oldKek, "--in", "-", "--out", "-"], message);

        run.AssertOneLineError(1, "could not be decrypted");
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task Encrypt_LargeFileOnATerminal_DrawsProgress_SmallOrRedirectedDoesNot()
    {
        var kek = await KeygenAsync("kek");
        using (var file = File.Create(_dir.File("large")))
        {
            file.SetLength(17 * 1024 * 1024);
        }

        File.WriteAllBytes(_dir.File("small"), _plaintext);

        var large = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("large"), "--out", _dir.File("large.enc")], terminal: true);
        var small = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("small"), "--out", _dir.File("small.enc")], terminal: true);
        var redirected = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("large"), "--out", _dir.File("large2.enc")], terminal: false);

        Assert.Equal((0, 0, 0), (large.ExitCode, small.ExitCode, redirected.ExitCode));
        Assert.Contains("encrypt", large.Error, StringComparison.Ordinal);
        Assert.Contains("100%", large.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, small.Error);
        Assert.Equal(string.Empty, redirected.Error);
    }

    [Fact]
    public async Task Decrypt_LargeFileOnATerminal_DrawsProgress()
    {
        var kek = await KeygenAsync("kek");
        using (var file = File.Create(_dir.File("large")))
        {
            file.SetLength(17 * 1024 * 1024);
        }

        Assert.Equal(0, (await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", _dir.File("large"), "--out", _dir.File("large.enc")])).ExitCode);

        var run = await CliRun.RunAsync(["decrypt", "--kek", kek, "--in", _dir.File("large.enc"), "--out", _dir.File("large.out")], terminal: true);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("decrypt", run.Error, StringComparison.Ordinal);
        Assert.Contains("100%", run.Error, StringComparison.Ordinal);
        Assert.Equal(17 * 1024 * 1024, new FileInfo(_dir.File("large.out")).Length);
    }

    [Fact]
    public async Task Encrypt_StandardInputOfUnknownLength_DrawsProgressOnlyOnceOver16MiB()
    {
        var kek = await KeygenAsync("kek");

        var large = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], new byte[17 * 1024 * 1024], terminal: true);
        var small = await CliRun.RunAsync(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], new byte[15 * 1024 * 1024], terminal: true);

        Assert.Equal((0, 0), (large.ExitCode, small.ExitCode));
        Assert.Contains("encrypt standard input", large.Error, StringComparison.Ordinal);
        Assert.Contains("100%", large.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, small.Error);
    }

    private static int CommonSuffixLength(byte[] a, byte[] b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[^(n + 1)] == b[^(n + 1)])
        {
            n++;
        }

        return n;
    }

    private async Task<string> KeygenAsync(string name)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_dir.File(name))!);
        var run = await CliRun.RunAsync(["keygen", "--out", _dir.File(name)]);
        Assert.Equal(0, run.ExitCode);
        return "local:" + _dir.File(name);
    }

    private IEnumerable<string> TemporaryFiles() => Directory.EnumerateFiles(_dir.Path, "*.tmp", SearchOption.AllDirectories);
}
