using System.IO.Pipes;
using Xunit.Abstractions;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>Runs alone: it measures the process's allocations, which parallel tests would add to.</summary>
[CollectionDefinition(nameof(ConstantMemoryTests), DisableParallelization = true)]
public sealed class ConstantMemoryCollection;

[Collection(nameof(ConstantMemoryTests))]
public sealed class ConstantMemoryTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;
    private const long Bound = 32L * 1024 * 1024;

    [Fact]
    public async Task EncryptPipedIntoDecrypt_OneGiB_StaysInConstantMemory()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRun.RunAsync(["keygen", "--out", dir.File("kek")])).ExitCode);
        var kek = "local:" + dir.File("kek");

        // stdin (generated) -> secrets encrypt -> an OS pipe -> secrets decrypt -> stdout (checked, then dropped).
        using var pipeOut = new AnonymousPipeServerStream(PipeDirection.Out);
        using var pipeIn = new AnonymousPipeClientStream(PipeDirection.In, pipeOut.ClientSafePipeHandle);
        var sink = new PatternSink();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var encrypt = Task.Run(async () =>
        {
            var run = await CliRun.RunAsync(["encrypt", "--kek", kek, "--context", "test=1gib", "--in", "-", "--out", "-"], new PatternStream(OneGiB), pipeOut);
            pipeOut.Dispose(); // End of stream for the reader.
            return run;
        });
        var decrypt = Task.Run(() => CliRun.RunAsync(["decrypt", "--kek", kek, "--context", "test=1gib", "--in", "-", "--out", "-"], pipeIn, sink));
        var (encrypted, decrypted) = (await encrypt, await decrypt);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"1 GiB encrypt | decrypt: peak managed heap +{sink.PeakManagedBytes - baseline:N0} bytes, allocated {allocated:N0} bytes");
        Assert.Equal((0, 0), (encrypted.ExitCode, decrypted.ExitCode));
        Assert.Equal(OneGiB, sink.Written);
        Assert.True(sink.Matches, "decrypted bytes match the generated input");
        Assert.True(sink.PeakManagedBytes - baseline < Bound, $"peak managed heap grew by {sink.PeakManagedBytes - baseline:N0} bytes (bound {Bound:N0})");
        Assert.True(allocated < Bound, $"allocated {allocated:N0} bytes while moving 1 GiB twice (bound {Bound:N0})");
    }
}
