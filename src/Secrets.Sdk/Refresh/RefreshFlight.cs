namespace Secrets.Sdk;

/// <summary>
/// Single flight for a source's refresh passes: concurrent callers share the pass in flight and all get its result. An
/// explicit caller never joins a pass the background loop started (it may have listed before the caller's change): it
/// gets the next pass, which starts when the loop's ends and is shared by every caller arriving meanwhile. Once closed,
/// no pass starts again.
/// </summary>
internal sealed class RefreshFlight(Func<Task<RefreshOutcome>> runPass)
{
    private readonly object _gate = new();
    private Task<RefreshOutcome>? _inflight;
    private bool _inflightFromLoop;
    private bool _closed;

    /// <summary>Gets a value indicating whether a pass is running now.</summary>
    public bool IsRunning => Volatile.Read(ref _inflight) is { IsCompleted: false };

    /// <summary>Returns the pass to wait for (the running one, or a new one), or <see langword="null"/> once closed.</summary>
    public Task<RefreshOutcome>? Join(bool fromLoop)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            if (_inflight is not { IsCompleted: false } running)
            {
                running = Task.Run(runPass);
                _inflightFromLoop = fromLoop;
            }
            else if (_inflightFromLoop && !fromLoop)
            {
                var loopPass = running;
                running = Task.Run(async () =>
                {
                    await loopPass.ConfigureAwait(false);
                    return await runPass().ConfigureAwait(false);
                });
                _inflightFromLoop = false;
            }

            Volatile.Write(ref _inflight, running);
            return running;
        }
    }

    /// <summary>Stops new passes from starting and returns the one still in flight, if any.</summary>
    public Task<RefreshOutcome>? Close()
    {
        lock (_gate)
        {
            _closed = true;
            return _inflight;
        }
    }
}
