namespace Secrets.Sdk;

/// <summary>
/// How the engine words an error for messages, logs and status: exception type plus a message that never carries a
/// value (JSON parser messages can quote input, so they are reduced to a position), and never the same text twice.
/// </summary>
internal static class ErrorText
{
    /// <summary>The error as <c>Type: message</c>; for a <see cref="SecretsLoadException"/>, its own message (it already names its cause).</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SecretsLoadException load => load.Message,
        _ => $"{ex.GetType().Name}: {SafeMessage(ex)}",
    };

    /// <summary>The exception's message, safe to show.</summary>
    public static string SafeMessage(Exception ex) => ex switch
    {
        System.Text.Json.JsonException json => $"invalid JSON at line {json.LineNumber ?? 0}, byte {json.BytePositionInLine ?? 0}",
        _ => ex.Message,
    };

    /// <summary>The innermost cause's type name (what a log line's error-type field shows).</summary>
    public static string CauseType(Exception ex) => ex is SecretsLoadException { InnerException: { } inner } ? CauseType(inner) : ex.GetType().Name;

    /// <summary>
    /// <paramref name="context"/> followed by the cause, unless the cause's text already contains the context (a
    /// store error that names its secret and source), in which case the cause alone is enough.
    /// </summary>
    public static string Compose(string context, Exception cause)
    {
        var described = Describe(cause);
        return described.Contains(context, StringComparison.Ordinal) ? described : $"{context}: {described}";
    }

    /// <summary>The metric tag value for an error.</summary>
    public static string Kind(Exception ex) => ex switch
    {
        SecretStoreException store => store.Kind.ToString(),
        Polly.Timeout.TimeoutRejectedException => nameof(SecretErrorKind.Timeout),
        Polly.CircuitBreaker.BrokenCircuitException => "CircuitOpen",
        SecretsLoadException { InnerException: { } inner } => Kind(inner),
        _ => ex.GetType().Name,
    };
}
