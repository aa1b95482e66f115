namespace Secrets.Sdk;

/// <summary>
/// A failure talking to a secret backend. It carries the store, the secret name, the HTTP status and
/// the backend's error code, and never a secret value.
/// </summary>
public class SecretStoreException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SecretStoreException()
        : this("The secret store call failed.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong; must not contain a secret value.</param>
    public SecretStoreException(string message)
        : this(message, SecretErrorKind.Unknown)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">What went wrong; must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretStoreException(string message, Exception? innerException)
        : this(message, SecretErrorKind.Unknown, innerException: innerException)
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="message">What went wrong; must not contain a secret value.</param>
    /// <param name="kind">The class of failure.</param>
    /// <param name="storeName">The store's display name.</param>
    /// <param name="secretName">The secret's name, when one secret is concerned.</param>
    /// <param name="status">The HTTP status, when there was a response.</param>
    /// <param name="errorCode">The backend's error code (for example <c>ResourceNotFoundException</c>).</param>
    /// <param name="retryAfter">How long the backend asked the caller to wait, when it said.</param>
    /// <param name="innerException">The cause.</param>
    public SecretStoreException(
        string message,
        SecretErrorKind kind,
        string? storeName = null,
        string? secretName = null,
        int? status = null,
        string? errorCode = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StoreName = storeName;
        SecretName = secretName;
        Status = status;
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the class of failure.</summary>
    public SecretErrorKind Kind { get; }

    /// <summary>Gets the store's display name, when known.</summary>
    public string? StoreName { get; }

    /// <summary>Gets the secret's name, when one secret is concerned.</summary>
    public string? SecretName { get; }

    /// <summary>Gets the HTTP status of the backend's response, when there was one.</summary>
    public int? Status { get; }

    /// <summary>Gets the backend's error code, when it gave one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets how long the backend asked the caller to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Gets a value indicating whether the call was never sent: the client held it back (a shared throttle gate closed
    /// by an earlier throttled answer from the same endpoint). Such a failure says nothing new about the secret: the
    /// engine retries it after <see cref="RetryAfter"/>, keeps the last good value, and does not count it as the secret's
    /// failure or the circuit breaker's.
    /// </summary>
    public bool NotSent { get; init; }

    /// <summary>Gets a value indicating whether retrying the same call may succeed.</summary>
    public bool IsTransient => Kind is SecretErrorKind.Throttled or SecretErrorKind.Unavailable or SecretErrorKind.Timeout;
}
