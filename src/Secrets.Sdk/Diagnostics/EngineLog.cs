using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>Source-generated log messages of the engine. No message takes a secret value.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(1001, LogLevel.Information, "Source {Source}: loaded {SecretCount} secrets as {KeyCount} configuration keys in {ElapsedMs} ms.")]
    public static partial void Loaded(ILogger logger, string source, int secretCount, int keyCount, long elapsedMs);

    [LoggerMessage(1002, LogLevel.Warning, "Optional source {Source} could not be loaded and contributes no keys: {ErrorType}: {ErrorMessage}")]
    public static partial void OptionalSourceFailed(ILogger logger, string source, string errorType, string errorMessage);

    [LoggerMessage(1003, LogLevel.Warning, "Source {Source}: secret {Secret} failed and keeps its last good value (absent if it never loaded); the other secrets carry on. {ErrorType}: {ErrorMessage}")]
    public static partial void SecretSkipped(ILogger logger, string source, string secret, string errorType, string errorMessage);

    [LoggerMessage(1004, LogLevel.Warning, "Source {Source}: refresh failed; serving the last good values (loaded {LastSuccess:o}). {ErrorType}: {ErrorMessage}")]
    public static partial void RefreshFailed(ILogger logger, string source, DateTimeOffset lastSuccess, string errorType, string errorMessage);

    [LoggerMessage(1005, LogLevel.Debug, "Source {Source}: refresh failed again ({Failures} in a row): {ErrorType}")]
    public static partial void RefreshFailedAgain(ILogger logger, string source, int failures, string errorType);

    [LoggerMessage(1006, LogLevel.Information, "Source {Source}: refresh recovered after {Failures} failed attempts.")]
    public static partial void RefreshRecovered(ILogger logger, string source, int failures);

    [LoggerMessage(1007, LogLevel.Information, "Source {Source}: {ChangedCount} configuration keys changed; reloading configuration.")]
    public static partial void Changed(ILogger logger, string source, int changedCount);

    [LoggerMessage(1008, LogLevel.Debug, "Source {Source}: refresh found no change ({Listed} secrets listed, {Read} read).")]
    public static partial void Unchanged(ILogger logger, string source, int listed, int read);

    [LoggerMessage(1009, LogLevel.Debug, "Source {Source}: secret {Secret} is disabled and skipped.")]
    public static partial void SecretDisabled(ILogger logger, string source, string secret);

    [LoggerMessage(1010, LogLevel.Error, "Source {Source}: {Error} This refresh is rejected and the last good values stay.")]
    public static partial void DuplicateKey(ILogger logger, string source, string error);

    [LoggerMessage(1011, LogLevel.Error, "Source {Source}: refresh loop stopped by an unexpected {ErrorType}; it restarts after back-off.")]
    public static partial void LoopFault(ILogger logger, string source, string errorType);

    [LoggerMessage(1012, LogLevel.Warning, "A Changed handler threw {ErrorType}; configuration was reloaded regardless.")]
    public static partial void ChangedHandlerFailed(ILogger logger, string errorType);

    [LoggerMessage(1013, LogLevel.Warning, "Source {Source}: revoking leases on shutdown failed: {ErrorType}.")]
    public static partial void ShutdownRevokeFailed(ILogger logger, string source, string errorType);

    [LoggerMessage(1014, LogLevel.Warning, "Source {Source}: load failed and the source has no values yet; retrying with back-off. {ErrorType}: {ErrorMessage}")]
    public static partial void NeverLoadedFailed(ILogger logger, string source, string errorType, string errorMessage);

    [LoggerMessage(1015, LogLevel.Information, "Source {Source}: secret {Secret} loads again.")]
    public static partial void SecretRecovered(ILogger logger, string source, string secret);

    [LoggerMessage(1016, LogLevel.Information, "Startup waiting {Elapsed} for secret sources still loading: {Sources}.")]
    public static partial void StartupProgress(ILogger logger, TimeSpan elapsed, string sources);

    [LoggerMessage(1017, LogLevel.Warning, "Optional source {Source} is still loading after {Wait}; the application starts without it and it is applied with one reload when it arrives.")]
    public static partial void OptionalSourceDeferred(ILogger logger, string source, TimeSpan wait);

    [LoggerMessage(1018, LogLevel.Information, "Optional source {Source} arrived after startup with {KeyCount} configuration keys.")]
    public static partial void OptionalSourceArrived(ILogger logger, string source, int keyCount);

    [LoggerMessage(1019, LogLevel.Warning, "Secrets.Sdk provider shutdown did not finish within {Timeout}; {Pending} tasks were abandoned.")]
    public static partial void ShutdownTimedOut(ILogger logger, TimeSpan timeout, int pending);

    [LoggerMessage(1021, LogLevel.Warning, "Secrets.Sdk provider shutdown failed: {ErrorType}.")]
    public static partial void ShutdownFailed(ILogger logger, string errorType);
}
