namespace Secrets.Sdk.Gcp.Tests;

/// <summary>Failure guards for background work: they wait for a condition, never a fixed time.</summary>
internal static class Waits
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(1);
        }
    }
}
