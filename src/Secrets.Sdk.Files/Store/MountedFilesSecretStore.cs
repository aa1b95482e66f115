using System.Text;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Files;

/// <summary>
/// A secret store over a mounted directory, one file per secret. It watches the directory with a
/// <see cref="FileSystemWatcher"/> and also polls it (resolved <c>..data</c> target and each file's inode, size and
/// times; content is hashed only for files whose status changed), so Kubernetes' atomic <c>..data</c> swap is seen
/// every time, and raises <see cref="Changed"/> once per real change. Every read of the directory runs on the thread
/// pool, one at a time, and is abandoned (reported as a timeout) after <see cref="MountedFilesSourceOptions.ReadTimeout"/>
/// or when the caller cancels, so no caller's thread ever waits on the file system.
/// </summary>
internal sealed partial class MountedFilesSecretStore : IChangeNotifyingSecretStore, IDisposable
{
    private readonly MountedFilesSourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly MountedDirectoryReader _reader;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _pollTimer;
    private readonly ITimer _debounceTimer;
    private FileSystemWatcher? _watcher;
    private Task<MountedFileSnapshot>? _inFlight;
    private MountedFileSnapshot? _latest;
    private MountedFileSnapshot? _listed;
    private string? _lastSignature;
    private HashSet<SkippedEntry> _reportedSkips = [];
    private int _checking;
    private bool _disposed;

    public MountedFilesSecretStore(MountedFilesSourceOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        Name = "files:" + options.Path;
        _reader = new MountedDirectoryReader(options, Name, options.FileSystem ?? FileSystemAccess.Default);
        _debounceTimer = timeProvider.CreateTimer(_ => _ = CheckAsync("watcher"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pollTimer = timeProvider.CreateTimer(_ => _ = CheckAsync("poll"), null, options.PollingInterval, options.PollingInterval);
        if (options.UseFileSystemWatcher)
        {
            StartWatcher();
        }
    }

    /// <inheritdoc/>
    public event EventHandler? Changed;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int MaxBatchSize => int.MaxValue;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _listed = snapshot;
            _lastSignature = snapshot.Signature;
        }

        return snapshot.Files.Values
            .Select(f => new SecretMetadata(f.Name) { Version = f.Hash, UpdatedOn = f.LastWriteUtc })
            .ToArray();
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        MountedFileSnapshot? snapshot;
        lock (_gate)
        {
            snapshot = _listed;
        }

        var reread = false;
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var requested in secrets)
        {
            // Serve the bytes of the same consistent read the listing came from, so value and version always match.
            if (snapshot is null || !snapshot.Files.TryGetValue(requested.Name, out var file) || file.Hash != requested.Version)
            {
                if (!reread)
                {
                    snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    reread = true;
                }

                if (!snapshot!.Files.TryGetValue(requested.Name, out file))
                {
                    results.Add(SecretReadResult.Failure(requested, new SecretStoreException($"Mounted secret file '{requested.Name}' no longer exists in '{_options.Path}'.", SecretErrorKind.NotFound, Name, requested.Name)));
                    continue;
                }
            }

            if (file.Error is not null)
            {
                results.Add(SecretReadResult.Failure(requested, file.Error));
                continue;
            }

            var metadata = new SecretMetadata(file.Name) { Version = file.Hash, UpdatedOn = file.LastWriteUtc };
            results.Add(SecretReadResult.Success(requested, new Secret(metadata, ToValue(file.Content!))));
        }

        return results;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _watcher?.Dispose();
        _pollTimer.Dispose();
        _debounceTimer.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Compares the directory with the last listing and raises <see cref="Changed"/> when any value differs.</summary>
    internal async Task CheckAsync(string trigger)
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            string signature;
            try
            {
                signature = (await ReadAsync(CancellationToken.None).ConfigureAwait(false)).Signature;
            }
            catch (SecretStoreException ex)
            {
                // A missing or unreadable mount, a limit exceeded: let the engine try, fail, keep the last good values and report it.
                signature = "error:" + ex.Kind;
            }

            lock (_gate)
            {
                if (_disposed || signature == _lastSignature)
                {
                    return;
                }

                _lastSignature = signature;
            }

            LogChangeDetected(_logger, _options.Path, trigger);
            Changed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && Volatile.Read(ref _disposed))
        {
            // Disposed while a poll was starting or reading: nothing to report.
        }
        catch (Exception ex)
        {
            // A timer callback must never throw; the next poll tries again.
            LogCheckFailed(_logger, _options.Path, ex.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>
    /// Reads the directory on the thread pool, joining a read already under way rather than starting a second one, and
    /// waits for it at most <see cref="MountedFilesSourceOptions.ReadTimeout"/> or until <paramref name="cancellationToken"/>.
    /// </summary>
    private async Task<MountedFileSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        Task<MountedFileSnapshot> read;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inFlight is null || _inFlight.IsCompleted)
            {
                var stopping = _stopping.Token;
                _inFlight = Task.Run(() => ReadWithRetry(stopping), stopping);
            }

            read = _inFlight;
        }

        try
        {
            return await read.WaitAsync(_options.ReadTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new SecretStoreException(
                $"Reading mounted secrets directory '{_options.Path}' took longer than {_options.ReadTimeout} ({nameof(MountedFilesSourceOptions.ReadTimeout)}); the read was abandoned.",
                SecretErrorKind.Timeout,
                Name,
                innerException: ex);
        }
    }

    private MountedFileSnapshot ReadWithRetry(CancellationToken cancellationToken)
    {
        MountedFileSnapshot? previous;
        lock (_gate)
        {
            previous = _latest;
        }

        MountedFileSnapshot snapshot;
        try
        {
            snapshot = _reader.Read(previous, cancellationToken);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.Unavailable)
        {
            // The old timestamped directory can vanish mid-read during a swap; one more read sees the new one.
            snapshot = _reader.Read(previous, cancellationToken);
        }

        ReportSkips(snapshot.Skipped);
        lock (_gate)
        {
            _latest = snapshot;
        }

        return snapshot;
    }

    /// <summary>Warns once about each skipped entry (again only if it goes away and comes back).</summary>
    private void ReportSkips(IReadOnlyList<SkippedEntry> skipped)
    {
        var current = new HashSet<SkippedEntry>(skipped);
        foreach (var entry in skipped)
        {
            if (_reportedSkips.Contains(entry))
            {
                continue;
            }

            switch (entry.Reason)
            {
                case SkipReason.OutsideMount:
                    LogSkippedOutsideMount(_logger, entry.Name, _options.Path, entry.Detail);
                    break;
                case SkipReason.NotRegularFile:
                    LogSkippedNotRegular(_logger, entry.Name, _options.Path, entry.Detail);
                    break;
                case SkipReason.LinkLoop:
                    LogSkippedLoop(_logger, entry.Name, _options.Path, entry.Detail);
                    break;
                default:
                    LogSkippedDangling(_logger, entry.Name, _options.Path);
                    break;
            }
        }

        _reportedSkips = current;
    }

    private SecretValue ToValue(byte[] content)
    {
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            return SecretValue.FromBytes(content);
        }

        var text = Encoding.UTF8.GetString(content);
        if (_options.TrimTrailingNewlines)
        {
            text = text.TrimEnd('\r', '\n');
        }

        return SecretValue.FromText(text);
    }

    private void StartWatcher()
    {
        try
        {
            var watcher = new FileSystemWatcher(_options.Path)
            {
                IncludeSubdirectories = _options.IncludeSubdirectories,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnWatcherEvent;
            watcher.Created += OnWatcherEvent;
            watcher.Deleted += OnWatcherEvent;
            watcher.Renamed += OnWatcherEvent;
            watcher.Error += (_, e) => LogWatcherError(_logger, _options.Path, e.GetException().GetType().Name);
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or PlatformNotSupportedException)
        {
            // No watcher (missing directory, inotify limits): polling alone still sees every change.
            LogWatcherUnavailable(_logger, _options.Path, ex.GetType().Name);
        }
    }

    private void OnWatcherEvent(object sender, FileSystemEventArgs e) =>
        _debounceTimer.Change(_options.ChangeDebounce > TimeSpan.Zero ? _options.ChangeDebounce : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);

    [LoggerMessage(3001, LogLevel.Debug, "Mounted secrets in {Path} changed (seen by {Trigger}).")]
    private static partial void LogChangeDetected(ILogger logger, string path, string trigger);

    [LoggerMessage(3002, LogLevel.Warning, "Checking mounted secrets in {Path} failed with {ErrorType}; the next poll retries.")]
    private static partial void LogCheckFailed(ILogger logger, string path, string errorType);

    [LoggerMessage(3003, LogLevel.Warning, "File watcher on {Path} reported {ErrorType}; polling continues to detect changes.")]
    private static partial void LogWatcherError(ILogger logger, string path, string errorType);

    [LoggerMessage(3004, LogLevel.Information, "No file watcher on {Path} ({ErrorType}); changes are detected by polling.")]
    private static partial void LogWatcherUnavailable(ILogger logger, string path, string errorType);

    [LoggerMessage(3005, LogLevel.Warning, "Mounted secret file '{Name}' in {Path} is skipped: it is a symbolic link that resolves outside the mount (to '{Target}'). Set AllowLinksOutsideMount to read it.")]
    private static partial void LogSkippedOutsideMount(ILogger logger, string name, string path, string target);

    [LoggerMessage(3006, LogLevel.Warning, "Mounted secret file '{Name}' in {Path} is skipped: it is {Kind}, not a regular file.")]
    private static partial void LogSkippedNotRegular(ILogger logger, string name, string path, string kind);

    [LoggerMessage(3007, LogLevel.Warning, "Mounted secret file '{Name}' in {Path} is skipped: symbolic link loop ({Detail}).")]
    private static partial void LogSkippedLoop(ILogger logger, string name, string path, string detail);

    [LoggerMessage(3008, LogLevel.Warning, "Mounted secret file '{Name}' in {Path} is skipped: it is a symbolic link whose target does not exist.")]
    private static partial void LogSkippedDangling(ILogger logger, string name, string path);
}
