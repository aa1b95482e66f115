using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// A logger factory for the time before the host's logging exists: configuration loads while the host is being
/// built. Entries written before <see cref="Attach"/> are kept (bounded) and replayed into the real factory, so an
/// optional source that failed at startup is never silent.
/// </summary>
internal sealed class DeferredLoggerFactory : ILoggerFactory
{
    private const int MaxBuffered = 512;
    private readonly ConcurrentQueue<BufferedEntry> _buffer = new();
    private readonly ConcurrentDictionary<string, DeferredLogger> _loggers = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ILoggerFactory? _target;
    private int _dropped;

    public bool IsAttached => Volatile.Read(ref _target) is not null;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new DeferredLogger(this, name));

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Add logging providers to the host, not to the Secrets.Sdk deferred factory.");

    /// <summary>Forwards to <paramref name="factory"/> from now on and replays what was buffered.</summary>
    public void Attach(ILoggerFactory factory)
    {
        lock (_gate)
        {
            if (_target is not null)
            {
                return;
            }

            foreach (var logger in _loggers.Values)
            {
                logger.Target = factory.CreateLogger(logger.Category);
            }

            while (_buffer.TryDequeue(out var entry))
            {
                var target = factory.CreateLogger(entry.Category);
                target.Log(entry.Level, entry.EventId, entry.Message, entry.Exception, static (message, _) => message);
            }

            if (_dropped > 0)
            {
                factory.CreateLogger("Secrets.Sdk").LogStartupEntriesDropped(_dropped);
            }

            Volatile.Write(ref _target, factory);
        }
    }

    public void Dispose()
    {
        // The host owns the target factory.
    }

    private void Buffer(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        lock (_gate)
        {
            if (_target is { } target)
            {
                target.CreateLogger(category).Log(level, eventId, message, exception, static (m, _) => m);
                return;
            }

            if (_buffer.Count >= MaxBuffered)
            {
                _dropped++;
                return;
            }

            _buffer.Enqueue(new BufferedEntry(category, level, eventId, message, exception));
        }
    }

    private sealed record BufferedEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class DeferredLogger(DeferredLoggerFactory owner, string category) : ILogger
    {
        public string Category { get; } = category;

        public ILogger? Target { get; set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Target?.BeginScope(state) ?? NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => Target?.IsEnabled(logLevel) ?? logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Target is { } target)
            {
                target.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            if (IsEnabled(logLevel))
            {
                owner.Buffer(Category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}
