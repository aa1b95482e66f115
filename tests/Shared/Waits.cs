namespace Secrets.Sdk.Tests.Shared;

/// <summary>Failure guards for background work; they never sleep, they wait for a signal. Linked into each test project.</summary>
internal static class Waits
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Waits (without sleeping) until <paramref name="condition"/> holds, yielding to background tasks.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Yield();
            await Task.Delay(1); // A 1 ms real-time yield so thread-pool work can run; not a timing assumption.
        }
    }
}
