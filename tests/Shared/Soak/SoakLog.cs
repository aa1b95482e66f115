using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Counts the warnings and errors logged while <see cref="Recording"/> (the cycles: a healthy run logs none; startup may
/// warn, for example about Vault over plain HTTP on loopback), and keeps the first few in full.
/// </summary>
internal sealed class SoakLog : ILoggerProvider, ILogger
{
    private const int Kept = 10;
    private readonly ConcurrentQueue<string> _first = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public bool Recording { get; set; }

    public IReadOnlyCollection<string> First => _first;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel) || !Recording)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) <= Kept)
        {
            _first.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
