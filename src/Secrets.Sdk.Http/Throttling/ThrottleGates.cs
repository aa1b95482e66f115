using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Secrets.Sdk.Http;

/// <summary>
/// The process's throttle gates: one per endpoint authority (<c>scheme://host:port</c>) and clock, shared by every
/// client and every source talking to that endpoint. Keyed by the clock too, so a test's fake clock gets gates of its
/// own (and they go away with it).
/// </summary>
internal static class ThrottleGates
{
    /// <summary>Endpoints remembered per clock; past this, a new endpoint gets a gate of its own, not shared (bounded memory).</summary>
    internal const int MaxEndpoints = 4096;

    private static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<string, ThrottleGate>> Gates = [];

    /// <summary>Returns the shared gate of <paramref name="endpoint"/>'s authority on <paramref name="time"/>.</summary>
    /// <param name="endpoint">An absolute address.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The gate.</returns>
    public static ThrottleGate For(Uri endpoint, TimeProvider time)
    {
        var authority = AuthorityOf(endpoint);
        var gates = Gates.GetValue(time, static _ => new ConcurrentDictionary<string, ThrottleGate>(StringComparer.Ordinal));
        if (gates.TryGetValue(authority, out var gate))
        {
            return gate;
        }

        return gates.Count >= MaxEndpoints ? new ThrottleGate(authority, time) : gates.GetOrAdd(authority, a => new ThrottleGate(a, time));
    }

    /// <summary>The gate key: scheme, host and port (the default port spelled out), lower case.</summary>
    /// <param name="endpoint">An absolute address.</param>
    /// <returns>The key.</returns>
    public static string AuthorityOf(Uri endpoint) =>
        $"{endpoint.Scheme}://{endpoint.IdnHost}:{endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}".ToLowerInvariant();
}
