namespace Secrets.Sdk.Files.Tests;

/// <summary>Failure guards for background work: they wait for a condition, they never sleep for a fixed time.</summary>
internal static class Waits
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(1); // Yields so thread-pool work can run; not a timing assumption.
        }
    }
}
