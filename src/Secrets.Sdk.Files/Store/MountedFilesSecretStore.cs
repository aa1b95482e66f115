using System.Text;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Files;

/// <summary>
/// A secret store over a mounted directory, one file per secret. It watches the directory with a
/// <see cref="FileSystemWatcher"/> and also polls it (resolved symlink targets and content hashes), so Kubernetes'
/// atomic <c>..data</c> swap is seen every time, and raises <see cref="Changed"/> once per real change.
/// </summary>
internal sealed partial class MountedFilesSecretStore : IChangeNotifyingSecretStore, IDisposable
{
    private readonly MountedFilesSourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ITimer _pollTimer;
    private readonly ITimer _debounceTimer;
    private FileSystemWatcher? _watcher;
    private MountedFileSnapshot? _lastRead;
    private string? _lastSignature;
    private int _checking;
    private bool _disposed;

    public MountedFilesSecretStore(MountedFilesSourceOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        Name = "files:" + options.Path;
        _debounceTimer = timeProvider.CreateTimer(_ => Check("watcher"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pollTimer = timeProvider.CreateTimer(_ => Check("poll"), null, options.PollingInterval, options.PollingInterval);
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
    public ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        var snapshot = ReadWithRetry();
        lock (_gate)
        {
            _lastRead = snapshot;
            _lastSignature = snapshot.Signature;
        }

        IReadOnlyList<SecretMetadata> list = snapshot.Files.Values
            .Select(f => new SecretMetadata(f.Name) { Version = f.Hash, UpdatedOn = f.LastWriteUtc })
            .ToArray();
        return new ValueTask<IReadOnlyList<SecretMetadata>>(list);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        MountedFileSnapshot? snapshot;
        lock (_gate)
        {
            snapshot = _lastRead;
        }

        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var requested in secrets)
        {
            // Serve the bytes of the same consistent read the listing came from, so value and version always match.
            if (snapshot is null || !snapshot.Files.TryGetValue(requested.Name, out var file) || file.Hash != requested.Version)
            {
                snapshot = ReadWithRetry();
                lock (_gate)
                {
                    _lastRead = snapshot;
                }

                if (!snapshot.Files.TryGetValue(requested.Name, out file))
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

        return new ValueTask<IReadOnlyList<SecretReadResult>>(results);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _watcher?.Dispose();
        _pollTimer.Dispose();
        _debounceTimer.Dispose();
    }

    /// <summary>Compares the directory with the last read and raises <see cref="Changed"/> when anything visible differs.</summary>
    internal void Check(string trigger)
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
                signature = MountedDirectoryReader.Read(_options, Name).Signature;
            }
            catch (SecretStoreException ex)
            {
                // A missing or unreadable mount: let the engine try, fail, keep the last good values and report it.
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
#pragma warning disable CA1031 // A timer callback must never throw; the next poll tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCheckFailed(_logger, _options.Path, ex.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private MountedFileSnapshot ReadWithRetry()
    {
        try
        {
            return MountedDirectoryReader.Read(_options, Name);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.Unavailable)
        {
            // The old timestamped directory can vanish mid-read during a swap; one more read sees the new one.
            return MountedDirectoryReader.Read(_options, Name);
        }
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
}
