namespace Secrets.Sdk.Cli;

/// <summary>
/// An output that appears only when complete: a file is written to a temporary sibling and moved over the target on
/// <see cref="CommitAsync"/>, and deleted if the command fails, so a failed decryption leaves no partial plaintext. Standard
/// output is written as it goes (a pipe cannot be taken back).
/// </summary>
internal sealed class CliOutput : IAsyncDisposable
{
    private readonly string? _target;
    private readonly string? _temporary;
    private bool _committed;

    private CliOutput(Stream stream, string? target, string? temporary)
    {
        Stream = stream;
        _target = target;
        _temporary = temporary;
    }

    /// <summary>Gets the stream to write.</summary>
    public Stream Stream { get; }

    /// <summary>Gets the name used in messages.</summary>
    public string Name => _target ?? "standard output";

    /// <summary>Wraps standard output.</summary>
    /// <param name="standardOutput">The stream.</param>
    /// <returns>The output.</returns>
    public static CliOutput ForStandardOutput(Stream standardOutput) => new(new NonClosingStream(standardOutput), null, null);

    /// <summary>Starts a file output.</summary>
    /// <param name="path">The target path.</param>
    /// <param name="ownerOnly">Whether the file is created with mode 0600.</param>
    /// <returns>The output.</returns>
    public static CliOutput ForFile(string path, bool ownerOnly)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new CliException($"output '{path}' is a directory");
        }

        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = ownerOnly
                ? CliFiles.CreateOwnerOnly(temporary, overwrite: false)
                : new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, CliFiles.BufferSize, FileOptions.Asynchronous);
            return new CliOutput(stream, path, temporary);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"output '{path}' cannot be written: {CliFiles.Describe(exception)}", ExitCodes.Failure, exception);
        }
    }

    /// <summary>Flushes, and for a file moves it into place (replacing an existing file).</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task.</returns>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_temporary is null)
        {
            _committed = true;
            return;
        }

        await Stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Move(_temporary, _target!, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"output '{_target}' cannot be written: {CliFiles.Describe(exception)}", ExitCodes.Failure, exception);
        }

        _committed = true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed && _temporary is not null)
        {
            File.Delete(_temporary);
        }
    }
}
