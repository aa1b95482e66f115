using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk;

/// <summary>
/// The encrypted last-known-good cache of one configuration provider. <see cref="RequestWrite"/> seals what the
/// provider serves (an envelope whose context binds the application and the sources) and replaces the file atomically,
/// in the background, one write at a time (requests arriving meanwhile are folded into one more write); a failing write
/// is logged and never reaches a refresh. <see cref="TryReadAsync"/> is called only when a required source could not
/// load at startup: it reads at most <see cref="LastKnownGoodCacheOptions.MaxFileBytes"/> within
/// <see cref="LastKnownGoodCacheOptions.ReadTimeout"/>, and returns nothing, with one log line saying why, for a file
/// that is missing, too large, truncated, tampered with, expired, or sealed for another application, source set or key.
/// </summary>
internal sealed class LastKnownGoodCache : IAsyncDisposable
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly LastKnownGoodCacheOptions _options;
    private readonly string _application;
    private readonly IReadOnlyList<string> _sources;
    private readonly Dictionary<string, string> _context;
    private readonly EnvelopeEncryptor _encryptor;
    private readonly Func<CachedSnapshot?> _capture;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _writer = Task.CompletedTask;
    private bool _dirty;
    private bool _writing;

    /// <summary>Creates the cache.</summary>
    /// <param name="registration">The file and settings.</param>
    /// <param name="sources">The sources' names, in registration order (bound into every file).</param>
    /// <param name="capture">Returns what to write now, or <see langword="null"/> when nothing should be written.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    public LastKnownGoodCache(LastKnownGoodRegistration registration, IReadOnlyList<string> sources, Func<CachedSnapshot?> capture, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Path = registration.Path;
        _options = registration.Options;
        _application = _options.ApplicationName ?? System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "application";
        _sources = sources;
        _capture = capture;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Secrets.Sdk.LastKnownGoodCache");
        _context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["purpose"] = "secrets.sdk/last-known-good/v1",
            ["application"] = _application,
            ["sources"] = string.Concat(sources.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Length}:{s};"))),
        };
        _encryptor = new EnvelopeEncryptor(_options.KeyEncryptionKey!, new EnvelopeEncryptorOptions
        {
            TimeProvider = timeProvider,
            DecryptPolicy = new EnvelopeDecryptPolicy { MaxBodyBytes = _options.MaxFileBytes },
        });
    }

    public string Path { get; }

    /// <summary>Asks for the cache to be written soon, off the caller's thread.</summary>
    public void RequestWrite()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _dirty = true;
            if (!_writing)
            {
                _writing = true;
                _writer = Task.Run(WriteLoopAsync);
            }
        }
    }

    /// <summary>Reads the cache, or returns <see langword="null"/> (logged) when there is none that may be served.</summary>
    public async Task<RestoredSnapshot?> TryReadAsync()
    {
        using var cancel = new CancellationTokenSource();
        var read = Task.Run(() => ReadAsync(cancel.Token), CancellationToken.None);
        if (!await BoundedWait.CompletesWithinAsync(read, _options.ReadTimeout, _timeProvider).ConfigureAwait(false))
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            LastKnownGoodLog.Rejected(_logger, Path, $"reading and decrypting it took longer than {nameof(LastKnownGoodCacheOptions.ReadTimeout)} ({_options.ReadTimeout})");
            return null;
        }

        return await read.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task writer;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            writer = _writer;
        }

        await writer.ConfigureAwait(false); // Never faults; a write in progress ends at its next cancellable step.
        _encryptor.Dispose();
        _stopping.Dispose();
    }

    private async Task<RestoredSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var file = CacheFileFormat.ReadBounded(Path, _options.MaxFileBytes);
            if (file is null)
            {
                LastKnownGoodLog.NotFound(_logger, Path);
                return null;
            }

            var (header, envelope) = CacheFileFormat.Parse(file);
            if (!string.Equals(header.Application, _application, StringComparison.Ordinal))
            {
                throw new CacheFileRejectedException($"it was written by application '{header.Application}', not '{_application}'");
            }

            if (!header.Sources.SequenceEqual(_sources, StringComparer.Ordinal))
            {
                throw new CacheFileRejectedException($"it was written for the sources [{string.Join(", ", header.Sources)}], not [{string.Join(", ", _sources)}]");
            }

            var now = _timeProvider.GetUtcNow();
            CheckAge(header.WrittenAt, now);
            var snapshot = await DecryptAsync(envelope, cancellationToken).ConfigureAwait(false);
            CheckAge(snapshot.WrittenAt, now);
            if (snapshot.Sources.Count != _sources.Count)
            {
                throw new CacheFileRejectedException($"it holds {snapshot.Sources.Count} sources, not {_sources.Count}");
            }

            return Restore(snapshot, now);
        }
        catch (CacheFileRejectedException ex)
        {
            LastKnownGoodLog.Rejected(_logger, Path, ex.Message);
            return null;
        }
        catch (Exception ex)
        {
            // Whatever goes wrong, the cache is not served and startup reports the live failure.
            LastKnownGoodLog.Rejected(_logger, Path, $"it could not be read ({ex.GetType().Name}: {ErrorText.SafeMessage(ex)})");
            return null;
        }
    }

    private async Task<CachedSnapshot> DecryptAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        byte[] plaintext;
        try
        {
            plaintext = await _encryptor.DecryptAsync(envelope, _context, cancellationToken).ConfigureAwait(false);
        }
        catch (EnvelopeFormatException ex)
        {
            throw new CacheFileRejectedException($"its envelope is malformed or truncated ({ex.Message})");
        }
        catch (EnvelopeAuthenticationException)
        {
            throw new CacheFileRejectedException("it could not be decrypted: it was altered or truncated, or sealed under another key-encryption key, application or source set");
        }
        catch (KeyEncryptionKeyException ex)
        {
            throw new CacheFileRejectedException($"the key-encryption key could not unwrap its data key ({ex.Message})");
        }

        try
        {
            return JsonSerializer.Deserialize(plaintext, LastKnownGoodJsonContext.Default.CachedSnapshot)
                ?? throw new CacheFileRejectedException("its content is empty");
        }
        catch (JsonException ex)
        {
            throw new CacheFileRejectedException($"its content is not a snapshot ({ErrorText.SafeMessage(ex)})");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private void CheckAge(DateTimeOffset writtenAt, DateTimeOffset now)
    {
        var age = now - writtenAt;
        if (age > _options.MaxAge)
        {
            throw new CacheFileRejectedException($"it was written {writtenAt:o}, {age} ago, older than {nameof(LastKnownGoodCacheOptions.MaxAge)} ({_options.MaxAge})");
        }

        if (age < -ClockSkew)
        {
            throw new CacheFileRejectedException($"it claims to be written {writtenAt:o}, in the future");
        }
    }

    private RestoredSnapshot Restore(CachedSnapshot snapshot, DateTimeOffset now)
    {
        var expired = new List<string>();
        var sources = new SecretSnapshot[snapshot.Sources.Count];
        for (var i = 0; i < sources.Length; i++)
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var secret in snapshot.Sources[i].Secrets)
            {
                if (secret.LeaseExpiresAt is { } expiry && expiry <= now)
                {
                    expired.Add($"{snapshot.Sources[i].Name}/{secret.Name}");
                    continue;
                }

                foreach (var (key, value) in secret.Entries)
                {
                    values[key] = value;
                }
            }

            sources[i] = SecretSnapshot.Own(values);
        }

        if (expired.Count > 0)
        {
            LastKnownGoodLog.ExpiredLeasesDropped(_logger, Path, expired.Count, string.Join(", ", expired));
        }

        return new RestoredSnapshot(snapshot.WrittenAt, sources);
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_dirty || _stopping.IsCancellationRequested)
                {
                    _writing = false;
                    return;
                }

                _dirty = false;
            }

            await WriteOnceAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteOnceAsync()
    {
        try
        {
            if (_capture() is not { } snapshot)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(_options.WriteTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, LastKnownGoodJsonContext.Default.CachedSnapshot);
            byte[] envelope;
            try
            {
                envelope = await _encryptor.EncryptAsync(json, _context, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(json);
            }

            var header = new CacheFileHeader { Application = _application, Sources = [.. _sources], WrittenAt = snapshot.WrittenAt };
            var file = CacheFileFormat.Compose(header, envelope);
            if (file.Length > _options.MaxFileBytes)
            {
                throw new InvalidOperationException($"The cache would be {file.Length} bytes, over the {nameof(LastKnownGoodCacheOptions.MaxFileBytes)} limit of {_options.MaxFileBytes}; it is not written.");
            }

            linked.Token.ThrowIfCancellationRequested();
            CacheFileFormat.WriteAtomically(Path, file);
            LastKnownGoodLog.Written(_logger, Path, snapshot.Sources.Sum(s => s.Secrets.Count), snapshot.Sources.Count, file.Length);
        }
        catch (Exception ex)
        {
            // A failing write is logged and never fails a refresh.
            if (!_stopping.IsCancellationRequested)
            {
                LastKnownGoodLog.WriteFailed(_logger, Path, ex.GetType().Name, ErrorText.SafeMessage(ex));
            }
        }
    }
}
