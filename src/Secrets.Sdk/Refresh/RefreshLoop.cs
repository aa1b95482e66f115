using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// The one background loop of a source: waits for the schedule's next delay or a change signal (debounced, and never
/// sooner than <see cref="SecretSourceOptions.MinimumRefreshInterval"/> after the last run), then runs a refresh.
/// Started once per source; stopping it cancels the wait and waits for the loop to end.
/// </summary>
internal sealed class RefreshLoop(
    string sourceName,
    SecretSourceOptions options,
    RefreshSchedule schedule,
    SourceStatusTracker status,
    Func<CancellationToken, Task> refresh,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _signal = NewSignal();
    private Task? _loop;
    private int _state; // 0 new, 1 running, 2 stopped

    public bool IsRunning => Volatile.Read(ref _state) == 1;

    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            // The minimum interval counts from the load that just finished. RunAsync runs here up to its first wait, so the
            // first poll's timer is armed before Start returns (a test clock advanced right after Build() fires it), and
            // every wait resumes on the thread pool, never inline in this call.
            _loop = RunAsync(timeProvider.GetUtcNow(), _stopping.Token);
        }
    }

    /// <summary>Wakes the loop for a refresh after the debounce delay.</summary>
    public void Signal() => Volatile.Read(ref _signal).TrySetResult();

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(DateTimeOffset lastRun, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var signalled = await WaitAsync(schedule.NextDelay(status.ConsecutiveFailures, status.IsLoaded), cancellationToken).ConfigureAwait(false);
                if (signalled && options.ChangeDebounce > TimeSpan.Zero)
                {
                    await Task.Delay(options.ChangeDebounce, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                var since = timeProvider.GetUtcNow() - lastRun;
                if (since < options.MinimumRefreshInterval)
                {
                    await Task.Delay(options.MinimumRefreshInterval - since, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                // Reset before refreshing, so a change signalled during the refresh causes another one.
                Interlocked.Exchange(ref _signal, NewSignal());
                lastRun = timeProvider.GetUtcNow();
                await refresh(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The loop must survive anything; the failure is logged and counted.
                EngineLog.LoopFault(logger, sourceName, ex.GetType().Name);
                status.RecordFailure(ex);
            }
        }
    }

    private async Task<bool> WaitAsync(TimeSpan? delay, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal).Task;
        if (delay is null)
        {
            await signal.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            return true;
        }

        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay.Value, timeProvider, delayCancellation.Token);
        var winner = await Task.WhenAny(signal, timer).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await delayCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return winner == signal;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
