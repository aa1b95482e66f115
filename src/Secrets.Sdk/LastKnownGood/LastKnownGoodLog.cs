using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>Source-generated log messages of the last-known-good cache. No message takes a secret value.</summary>
internal static partial class LastKnownGoodLog
{
    [LoggerMessage(1201, LogLevel.Warning, "Starting from the last-known-good cache {Path}, written {WrittenAt:o} ({Age} ago), because required secret sources could not load: {Sources}. The live sources keep trying; the first that loads replaces the cached values.")]
    public static partial void ServingCached(ILogger logger, string path, DateTimeOffset writtenAt, TimeSpan age, string sources);

    [LoggerMessage(1202, LogLevel.Warning, "Last-known-good cache {Path} rejected and not served: {Reason}.")]
    public static partial void Rejected(ILogger logger, string path, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "No last-known-good cache at {Path}; there is nothing to start from.")]
    public static partial void NotFound(ILogger logger, string path);

    [LoggerMessage(1204, LogLevel.Warning, "Writing the last-known-good cache {Path} failed ({ErrorType}: {ErrorMessage}); secrets are unaffected and the next successful refresh writes it again.")]
    public static partial void WriteFailed(ILogger logger, string path, string errorType, string errorMessage);

    [LoggerMessage(1205, LogLevel.Debug, "Wrote the last-known-good cache {Path}: {SecretCount} secrets of {SourceCount} sources, {Bytes} bytes.")]
    public static partial void Written(ILogger logger, string path, int secretCount, int sourceCount, int bytes);

    [LoggerMessage(1206, LogLevel.Information, "Live secrets replaced the last-known-good cache for {Sources}; {ChangedCount} configuration keys differed.")]
    public static partial void Converged(ILogger logger, string sources, int changedCount);

    [LoggerMessage(1207, LogLevel.Warning, "Last-known-good cache {Path}: {Count} leased secrets are not served because their leases have expired: {Secrets}.")]
    public static partial void ExpiredLeasesDropped(ILogger logger, string path, int count, string secrets);
}
