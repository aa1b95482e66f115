using System.Globalization;
using System.Net.Http.Headers;

namespace Secrets.Sdk.Http;

/// <summary>
/// Reads how long a server asked the caller to wait: <c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c> (milliseconds,
/// Azure's variants) first, then <c>Retry-After</c> as delta-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime).
/// Values are clamped to [0, <see cref="MaxDelay"/>]; anything unparsable is ignored.
/// </summary>
/// <remarks>
/// https://www.rfc-editor.org/rfc/rfc9110#field.retry-after (and #http.date for the three date forms);
/// https://learn.microsoft.com/azure/architecture/best-practices/retry-service-specific (the millisecond headers).
/// How long the engine really waits is capped again by its own retry policy.
/// </remarks>
public static class RetryAfterParser
{
    /// <summary>The name of the milliseconds header some services send (<c>retry-after-ms</c>).</summary>
    public const string RetryAfterMillisecondsHeader = "retry-after-ms";

    /// <summary>The name of Azure's milliseconds header (<c>x-ms-retry-after-ms</c>).</summary>
    public const string MicrosoftRetryAfterMillisecondsHeader = "x-ms-retry-after-ms";

    private static readonly string[] HttpDateFormats =
    [
        "r", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", // obsolete RFC 850
        "ddd MMM d HH':'mm':'ss yyyy", // obsolete asctime
        "ddd MMM dd HH':'mm':'ss yyyy",
    ];

    /// <summary>Gets the longest delay returned: one day (a larger value is clamped to it).</summary>
    public static TimeSpan MaxDelay { get; } = TimeSpan.FromDays(1);

    /// <summary>Reads the delay from a response's headers.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The current time, for an HTTP-date.</param>
    /// <returns>The delay, or <see langword="null"/> when the server did not say (or said something unparsable).</returns>
    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return ParseMilliseconds(First(headers, RetryAfterMillisecondsHeader))
            ?? ParseMilliseconds(First(headers, MicrosoftRetryAfterMillisecondsHeader))
            ?? ParseRetryAfter(First(headers, "Retry-After"), now);
    }

    /// <summary>Parses a <c>Retry-After</c> value: delta-seconds or an HTTP-date.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="now">The current time, for an HTTP-date.</param>
    /// <returns>The delay (zero for a date in the past), or <see langword="null"/> when unparsable.</returns>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (IsDigits(text))
        {
            return decimal.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < (decimal)MaxDelay.TotalSeconds
                ? TimeSpan.FromSeconds((double)seconds)
                : MaxDelay;
        }

        if (DateTimeOffset.TryParseExact(text, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date))
        {
            var delay = date - now;
            return delay <= TimeSpan.Zero ? TimeSpan.Zero : (delay > MaxDelay ? MaxDelay : delay);
        }

        return null;
    }

    /// <summary>Parses a milliseconds value (<c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>); a fraction is allowed.</summary>
    /// <param name="value">The header value.</param>
    /// <returns>The delay, or <see langword="null"/> when absent, negative or unparsable.</returns>
    public static TimeSpan? ParseMilliseconds(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return null;
        }

        return Clamp(milliseconds);
    }

    private static TimeSpan Clamp(decimal milliseconds) =>
        milliseconds >= (decimal)MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond));

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string? First(HttpResponseHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }
}
