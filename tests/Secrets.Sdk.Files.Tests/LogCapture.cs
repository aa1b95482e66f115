using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Files.Tests;

/// <summary>Captures formatted log lines with their level, for asserting warnings.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<string> Warnings => _entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToArray();

    public string All => string.Join("\n", _entries.Select(e => e.Message));

    public ILoggerFactory CreateFactory() => new LoggerFactory([this]);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
