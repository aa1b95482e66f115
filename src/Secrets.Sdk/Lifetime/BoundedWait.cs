namespace Secrets.Sdk;

/// <summary>
/// Waits for a task at most a given time on a <see cref="TimeProvider"/>. Unlike <c>Task.WaitAsync(timeout, provider)</c>,
/// its timer is disposed before it returns, so a caller (or a test counting timers) never sees it linger.
/// </summary>
internal static class BoundedWait
{
    /// <summary>Returns true when <paramref name="task"/> completed within <paramref name="timeout"/>; never throws for the task's fault.</summary>
    public static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, TimeProvider timeProvider)
    {
        if (task.IsCompleted)
        {
            return true;
        }

        using var cancel = new CancellationTokenSource();
        var delay = Task.Delay(timeout, timeProvider, cancel.Token);
        var winner = await Task.WhenAny(task, delay).ConfigureAwait(false);
        // Synchronous Cancel on purpose: the delay's timer is disposed before we return.
        cancel.Cancel();
        return winner == task;
    }
}
