namespace Secrets.Sdk.Testing.Emulators.Faults;

/// <summary>A fault an emulator can inject into one request instead of (or around) its normal answer.</summary>
public enum EmulatorFaultKind
{
    /// <summary>The vendor's throttling answer (HTTP 429 for Vault, Azure and GCP; 400 <c>ThrottlingException</c> for AWS), with <c>Retry-After</c> when <see cref="EmulatorFault.RetryAfter"/> is set.</summary>
    Throttled,

    /// <summary>The vendor's "service unavailable" answer (HTTP 503 with the vendor's error body).</summary>
    Unavailable,

    /// <summary>No answer at all: the request is held until the client gives up (its timeout) or the emulator stops.</summary>
    Hang,

    /// <summary>The connection is aborted before any response byte is sent (a TCP reset as the client sees it).</summary>
    ConnectionReset,

    /// <summary>The normal answer's status and headers with a <c>Content-Length</c> of the whole body, then half the body, then an aborted connection.</summary>
    TruncatedBody,

    /// <summary>The normal answer, body sent in <see cref="EmulatorFault.DripChunks"/> pieces, <see cref="EmulatorFault.DripInterval"/> apart on the emulator's clock.</summary>
    SlowDrip,
}
