using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

internal static partial class DeferredLoggerFactoryLog
{
    [LoggerMessage(1020, LogLevel.Warning, "{Count} Secrets.Sdk log entries written during startup were dropped (buffer full).")]
    public static partial void LogStartupEntriesDropped(this ILogger logger, int count);
}
