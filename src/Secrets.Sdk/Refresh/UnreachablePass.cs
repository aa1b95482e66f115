using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Secrets.Sdk;

/// <summary>
/// Decides whether a pass whose listing succeeded still reached nothing: no secret was confirmed current by a listed
/// version fingerprint, and every read failed with a transient error (throttled, unavailable, timed out, or refused by
/// the open circuit breaker). Such a pass refreshed nothing, so it is a failed pass: the data's age keeps growing and
/// health goes Degraded, then Unhealthy, as for a failed listing. A store whose listing makes no call between
/// discoveries (GCP reuses its last list) would otherwise count a total outage as a success.
/// </summary>
internal static class UnreachablePass
{
    /// <summary>Returns the error that fails the pass, or <see langword="null"/> when the pass confirmed or read something.</summary>
    /// <param name="plan">The pass's plan.</param>
    /// <param name="updates">How many secrets were read and mapped.</param>
    /// <param name="failures">The secrets that failed, with why.</param>
    /// <param name="sourceName">The source, for the message.</param>
    /// <returns>The error, or <see langword="null"/>.</returns>
    public static SecretStoreException? Check(RefreshPlan plan, int updates, IReadOnlyList<(SecretMetadata Metadata, Exception Error)> failures, string sourceName)
    {
        if (plan.Kept.Count > 0 || updates > 0 || failures.Count == 0 || !failures.All(f => IsTransient(f.Error)))
        {
            return null;
        }

        var first = failures[0].Error;
        var kind = first switch
        {
            SecretStoreException store => store.Kind,
            TimeoutRejectedException => SecretErrorKind.Timeout,
            _ => SecretErrorKind.Unavailable,
        };
        var more = failures.Count > 1 ? $" (and {failures.Count - 1} more)" : string.Empty;
        return new SecretStoreException(
            ErrorText.Compose($"Every read of source '{sourceName}' failed with a transient error; first, secret '{failures[0].Metadata.Name}'{more}", first),
            kind,
            sourceName,
            innerException: first);
    }

    /// <summary>Whether <paramref name="error"/> says the store could not be reached (rather than that it refused or answered badly).</summary>
    /// <param name="error">The error.</param>
    /// <returns><see langword="true"/> for a transient error.</returns>
    public static bool IsTransient(Exception error) => error switch
    {
        SecretStoreException store => store.IsTransient,
        TimeoutRejectedException or BrokenCircuitException or HttpRequestException or IOException => true,
        _ => false,
    };
}
