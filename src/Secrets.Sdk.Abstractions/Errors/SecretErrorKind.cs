namespace Secrets.Sdk;

/// <summary>The provider-neutral class of a backend failure, used for retry and failure policies.</summary>
public enum SecretErrorKind
{
    /// <summary>Unclassified failure.</summary>
    Unknown = 0,

    /// <summary>The secret, version or path does not exist.</summary>
    NotFound,

    /// <summary>The caller is not allowed to read it (HTTP 403, AccessDenied).</summary>
    AccessDenied,

    /// <summary>The caller could not authenticate (HTTP 401, expired token).</summary>
    Unauthenticated,

    /// <summary>The backend throttled the caller (HTTP 429, ThrottlingException). Transient.</summary>
    Throttled,

    /// <summary>The backend is unavailable (5xx, sealed, connection refused or reset). Transient.</summary>
    Unavailable,

    /// <summary>The call timed out. Transient.</summary>
    Timeout,

    /// <summary>The backend answered with something that could not be parsed (malformed JSON, bad encoding).</summary>
    InvalidResponse,

    /// <summary>The request was rejected as invalid (bad name, bad parameter).</summary>
    InvalidRequest,

    /// <summary>The secret is disabled, deleted or scheduled for deletion.</summary>
    Disabled,

    /// <summary>The lease or credential expired.</summary>
    LeaseExpired,

    /// <summary>The backend could not decrypt the secret (for example a KMS key is disabled).</summary>
    DecryptionFailure,
}
