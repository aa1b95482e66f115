using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// Moves a manual clock through simulated hours without sleeping: before each step it waits until the system is
/// quiet (no request being worked on by an emulator, no new activity, the same pending timers for a few real-time
/// yields), then jumps to the next timer. Right after activity it moves at most <see cref="Crawl"/> at a time, so a
/// request still being processed in real time is not overtaken by its own timeout.
/// </summary>
internal sealed class SimulationDriver(ManualTimeProvider time, Func<int> busy, Func<long> activity)
{
    public static readonly TimeSpan Crawl = TimeSpan.FromSeconds(1);
    private long _lastActivity = -1;
    private (long Activity, int Timers, DateTimeOffset? Next) _settled;

    public ManualTimeProvider Time => time;

    public long Steps { get; private set; }

    public async Task AdvanceToAsync(DateTimeOffset target)
    {
        if (Signature() != _settled || busy() != 0)
        {
            await SettleAsync();
        }

        while (time.GetUtcNow() < target)
        {
            var now = time.GetUtcNow();
            if (time.NextTimerDueAt is not { } due || due > target)
            {
                time.AdvanceTo(target); // no timer falls due: nothing runs, nothing to wait for
                _settled = Signature();
                break;
            }

            var next = due < now ? now : due;
            var seen = activity();
            if (seen != _lastActivity)
            {
                _lastActivity = seen;
                if (next > now + Crawl)
                {
                    next = now + Crawl;
                }
            }

            time.AdvanceTo(next);
            Steps++;
            await SettleAsync();
        }
    }

    /// <summary>Lets <paramref name="work"/> (a blocking startup or dispose on another thread) finish, firing only the timers it waits on.</summary>
    public async Task RunUntilAsync(Task work)
    {
        var deadline = DateTime.UtcNow + Waits.Guard;
        while (!work.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Startup or dispose never finished at {time.GetUtcNow():O}.");
            }

            await SettleAsync();
            if (!work.IsCompleted && time.NextTimerDueAt is { } due)
            {
                var now = time.GetUtcNow();
                time.AdvanceTo(due < now ? now : due > now + Crawl ? now + Crawl : due);
                Steps++;
            }
        }

        await work;
    }

    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow + Waits.Guard;
        var last = Signature();
        var calm = 0;
        while (calm < 3)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The system never went quiet at {time.GetUtcNow():O} (busy {busy()}).");
            }

            await Task.Delay(1); // A real-time yield so thread-pool work can run; the clock does not move meanwhile.
            var current = Signature();
            if (current == last && busy() == 0)
            {
                calm++;
            }
            else
            {
                calm = 0;
                last = current;
            }
        }

        _settled = last;
    }

    private (long Activity, int Timers, DateTimeOffset? Next) Signature() => (activity(), time.PendingTimers, time.NextTimerDueAt);
}
