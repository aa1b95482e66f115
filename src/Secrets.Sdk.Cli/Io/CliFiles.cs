namespace Secrets.Sdk.Cli;

/// <summary>Opens <c>--in</c> and <c>--out</c> paths, where <c>-</c> means standard input or output.</summary>
internal static class CliFiles
{
    /// <summary>The path that means standard input or output.</summary>
    public const string StandardStream = "-";

    /// <summary>Read and write buffer for files: large enough for sequential throughput, small enough to stay constant.</summary>
    public const int BufferSize = 1 << 16;

    /// <summary>Opens an input: the file, or standard input for <c>-</c> (left open when disposed).</summary>
    /// <param name="path">The path.</param>
    /// <param name="console">The console.</param>
    /// <returns>The stream.</returns>
    public static Stream OpenInput(string path, CliConsole console)
    {
        if (path == StandardStream)
        {
            return new NonClosingStream(console.StandardInput);
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"input '{path}' cannot be read: {Describe(exception)}", ExitCodes.Failure, exception);
        }
    }

    /// <summary>
    /// Creates an output: for a file, a temporary sibling that replaces the file only on <see cref="CliOutput.CommitAsync"/>;
    /// for <c>-</c>, standard output.
    /// </summary>
    /// <param name="path">The path.</param>
    /// <param name="console">The console.</param>
    /// <param name="ownerOnly">Whether the file is created readable by its owner only (mode 0600), for plaintext.</param>
    /// <returns>The output.</returns>
    public static CliOutput CreateOutput(string path, CliConsole console, bool ownerOnly) =>
        path == StandardStream ? CliOutput.ForStandardOutput(console.StandardOutput) : CliOutput.ForFile(path, ownerOnly);

    /// <summary>Creates a new file that must not exist yet, with mode 0600 on Unix from the moment it exists.</summary>
    /// <param name="path">The path.</param>
    /// <param name="overwrite">Whether an existing file may be replaced (it is truncated, keeping its mode).</param>
    /// <returns>The stream.</returns>
    public static FileStream CreateOwnerOnly(string path, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = BufferSize,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // open(2) with O_CREAT|O_EXCL and mode 0600: no window in which the file exists with wider permissions.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>Describes a file-system failure without repeating the path (the caller names it).</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>A short reason.</returns>
    public static string Describe(Exception exception) => exception switch
    {
        FileNotFoundException => "the file does not exist",
        DirectoryNotFoundException => "its directory does not exist",
        UnauthorizedAccessException => "permission denied",
        _ => exception.Message,
    };
}
