using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Tests.Infrastructure;

/// <summary>Captures every formatted log line and exception text, for assertions and the leak test.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages.ToArray();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._messages.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " | " + exception));
            LeakRegistry.Record(formatter(state, exception));
            if (exception is not null)
            {
                LeakRegistry.Record(exception.ToString());
            }
        }
    }
}
