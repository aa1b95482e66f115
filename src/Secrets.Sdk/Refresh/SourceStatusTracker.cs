using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// A source's health as seen by status, health check and logs: last success and attempt, the failure streak (logged
/// once per streak: first failure Warning, repeats Debug, recovery Information), and the secrets currently failing,
/// each logged by name once per streak.
/// </summary>
internal sealed class SourceStatusTracker(string sourceName, TimeProvider timeProvider, ILogger logger)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Reason, string Kind)> _failingSecrets = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _sourceTag = new("source", sourceName);
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _lastAttemptAt;
    private int _consecutiveFailures;
    private string? _lastError;
    private string? _lastErrorKind;
    private volatile bool _isLoaded;

    public bool IsLoaded => _isLoaded;

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public DateTimeOffset? LastSuccessAt
    {
        get
        {
            lock (_gate)
            {
                return _lastSuccessAt;
            }
        }
    }

    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    public void RecordAttempt()
    {
        lock (_gate)
        {
            _lastAttemptAt = timeProvider.GetUtcNow();
        }
    }

    public void RecordSuccess()
    {
        int failures;
        lock (_gate)
        {
            failures = _consecutiveFailures;
            _consecutiveFailures = 0;
            _lastError = null;
            _lastErrorKind = null;
            _lastSuccessAt = timeProvider.GetUtcNow();
            _isLoaded = true;
        }

        if (failures > 0)
        {
            EngineLog.RefreshRecovered(logger, sourceName, failures);
        }
    }

    public void RecordFailure(Exception ex)
    {
        int failures;
        DateTimeOffset? lastSuccess;
        lock (_gate)
        {
            failures = ++_consecutiveFailures;
            _lastError = ErrorText.Describe(ex);
            _lastErrorKind = ErrorText.Kind(ex);
            lastSuccess = _lastSuccessAt;
        }

        SecretsTelemetry.Errors.Add(1, _sourceTag, new("kind", ErrorText.Kind(ex)));
        if (failures > 1)
        {
            EngineLog.RefreshFailedAgain(logger, sourceName, failures, ErrorText.CauseType(ex));
        }
        else if (lastSuccess is { } at)
        {
            EngineLog.RefreshFailed(logger, sourceName, at, ErrorText.CauseType(ex), ErrorText.Describe(ex));
        }
        else
        {
            EngineLog.NeverLoadedFailed(logger, sourceName, ErrorText.CauseType(ex), ErrorText.Describe(ex));
        }
    }

    /// <summary>Records the secrets that failed in one pass; secrets read successfully or no longer listed recover.</summary>
    public void RecordSecrets(IReadOnlyList<(string Name, Exception Error)> failed, IEnumerable<string> succeeded, IReadOnlySet<string> listed)
    {
        lock (_gate)
        {
            foreach (var (name, error) in failed)
            {
                var reason = ErrorText.Describe(error);
                var kind = ErrorText.Kind(error);
                if (_failingSecrets.TryAdd(name, (reason, kind)))
                {
                    EngineLog.SecretSkipped(logger, sourceName, name, ErrorText.CauseType(error), reason);
                }
                else
                {
                    _failingSecrets[name] = (reason, kind);
                }

                SecretsTelemetry.Errors.Add(1, _sourceTag, new("kind", kind));
            }

            foreach (var name in succeeded)
            {
                if (_failingSecrets.Remove(name))
                {
                    EngineLog.SecretRecovered(logger, sourceName, name);
                }
            }

            foreach (var name in _failingSecrets.Keys.Where(n => !listed.Contains(n)).ToArray())
            {
                _failingSecrets.Remove(name);
            }
        }
    }

    public SecretSourceStatus Snapshot(SecretSourceOptions options, int secretCount, int keyCount)
    {
        var interval = options.RefreshInterval;
        lock (_gate)
        {
            return new SecretSourceStatus
            {
                Name = sourceName,
                Optional = options.Optional,
                IsLoaded = _isLoaded,
                LastSuccessAt = _lastSuccessAt,
                LastAttemptAt = _lastAttemptAt,
                ConsecutiveFailures = _consecutiveFailures,
                LastError = _lastError,
                LastErrorKind = _lastErrorKind,
                SecretCount = secretCount,
                KeyCount = keyCount,
                FailedSecrets = [.. _failingSecrets.Keys.Order(StringComparer.Ordinal)],
                FailedSecretErrors = _failingSecrets.ToDictionary(f => f.Key, f => f.Value.Reason, StringComparer.Ordinal),
                FailedSecretErrorKinds = _failingSecrets.ToDictionary(f => f.Key, f => f.Value.Kind, StringComparer.Ordinal),
                DegradedAfter = options.DegradedAfter ?? (interval * 3),
                UnhealthyAfter = options.UnhealthyAfter ?? (interval * 10),
            };
        }
    }
}
