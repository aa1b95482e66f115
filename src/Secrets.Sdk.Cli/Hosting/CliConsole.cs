using Spectre.Console;

namespace Secrets.Sdk.Cli;

/// <summary>
/// Where a command reads and writes: the data streams behind <c>-</c>, the text writers for reports and errors, and
/// whether a person is watching (progress bars, colours). The process uses <see cref="FromProcess"/>; tests build one
/// over memory streams and string writers.
/// </summary>
internal sealed class CliConsole
{
    /// <summary>Gets the stream read for <c>--in -</c> (not disposed by commands).</summary>
    public required Stream StandardInput { get; init; }

    /// <summary>Gets the stream written for <c>--out -</c> (not disposed by commands).</summary>
    public required Stream StandardOutput { get; init; }

    /// <summary>Gets the writer for reports (tables, JSON, listings) when no data goes to standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Gets the writer for errors and progress.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Gets a value indicating whether the error stream is a terminal (progress bars are drawn there).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Gets a value indicating whether the report stream is a terminal (colours and the terminal's width).</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>Gets the console of the running process.</summary>
    /// <returns>The process console.</returns>
    public static CliConsole FromProcess() => new()
    {
        StandardInput = Console.OpenStandardInput(),
        StandardOutput = Console.OpenStandardOutput(),
        Out = Console.Out,
        Error = Console.Error,
        ErrorIsTerminal = !Console.IsErrorRedirected,
        OutIsTerminal = !Console.IsOutputRedirected,
    };

    /// <summary>Creates a Spectre console over the report writer: colours on a terminal, plain text and a wide line otherwise.</summary>
    /// <returns>The console.</returns>
    public IAnsiConsole CreateReportConsole() => Create(Out, OutIsTerminal);

    /// <summary>Creates a Spectre console over the error writer, for progress bars.</summary>
    /// <returns>The console.</returns>
    public IAnsiConsole CreateProgressConsole() => Create(Error, ErrorIsTerminal);

    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 240; // A file or pipe has no width; keep rows on one line for grep.
        }

        return console;
    }
}
