namespace Secrets.Sdk.Azure.Tests;

/// <summary>Guards for background work: poll a condition with a generous real-time limit that only a failure reaches.</summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<T?> probe, string what)
        where T : struct
    {
        var limit = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(1);
        }
    }
}
