using System.Text;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>The outcome of one in-process run of the <c>secrets</c> root command.</summary>
internal sealed record CliRun(int ExitCode, byte[] StandardOutput, string Out, string Error)
{
    /// <summary>Runs <paramref name="args"/> with <paramref name="standardInput"/> as standard input and memory as standard output.</summary>
    public static async Task<CliRun> RunAsync(string[] args, byte[]? standardInput = null, bool terminal = false, CliBackends? backends = null)
    {
        using var stdout = new MemoryStream();
        var result = await RunAsync(args, new MemoryStream(standardInput ?? []), stdout, terminal, backends);
        return result with { StandardOutput = stdout.ToArray() };
    }

    /// <summary>Runs <paramref name="args"/> over the given standard streams.</summary>
    public static async Task<CliRun> RunAsync(string[] args, Stream standardInput, Stream standardOutput, bool terminal = false, CliBackends? backends = null)
    {
        var output = new StringWriter(new StringBuilder());
        var error = new StringWriter(new StringBuilder());
        var console = new CliConsole
        {
            StandardInput = standardInput,
            StandardOutput = standardOutput,
            Out = output,
            Error = error,
            ErrorIsTerminal = terminal,
            OutIsTerminal = terminal,
        };
        var exit = await SecretsCommandLine.RunAsync(args, console, handleTermination: false, backends);
        return new CliRun(exit, [], output.ToString(), error.ToString());
    }

    /// <summary>Asserts a failed run printed exactly one error line containing every fragment.</summary>
    public void AssertOneLineError(int exitCode, params string[] fragments)
    {
        Assert.Equal(exitCode, ExitCode);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("secrets: error: ", line, StringComparison.Ordinal);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }
    }
}
