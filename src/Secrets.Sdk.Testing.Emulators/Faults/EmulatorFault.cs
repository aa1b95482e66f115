namespace Secrets.Sdk.Testing.Emulators.Faults;

/// <summary>One injected fault: what happens to a request, and its parameters.</summary>
/// <param name="Kind">What happens.</param>
public sealed record EmulatorFault(EmulatorFaultKind Kind)
{
    /// <summary>Gets the <c>Retry-After</c> a <see cref="EmulatorFaultKind.Throttled"/> or <see cref="EmulatorFaultKind.Unavailable"/> answer carries (<see langword="null"/>: none; AWS never sends one).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets how many pieces a <see cref="EmulatorFaultKind.SlowDrip"/> body is sent in (at least 2).</summary>
    public int DripChunks { get; init; } = 4;

    /// <summary>Gets the wait, on the emulator's clock, between the pieces of a <see cref="EmulatorFaultKind.SlowDrip"/> body.</summary>
    public TimeSpan DripInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Sets <c>Retry-After</c> (whole seconds, rounded up) on <paramref name="response"/> when this fault carries one.</summary>
    /// <param name="response">The answer being written.</param>
    internal void ApplyRetryAfter(Microsoft.AspNetCore.Http.HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (RetryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A vendor throttling answer.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, or <see langword="null"/> for none.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Throttled(TimeSpan? retryAfter = null) => new(EmulatorFaultKind.Throttled) { RetryAfter = retryAfter };

    /// <summary>A vendor 503 answer.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, or <see langword="null"/> for none.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Unavailable(TimeSpan? retryAfter = null) => new(EmulatorFaultKind.Unavailable) { RetryAfter = retryAfter };
}
