namespace Secrets.Sdk.Encryption;

/// <summary>
/// A message could not be decrypted: wrong key, wrong context, tampering, truncation, reordering or splicing. Every one
/// of those gives this exception with the same message and no inner exception, so a caller (or an attacker) learns
/// nothing about which check failed.
/// </summary>
public sealed class EnvelopeAuthenticationException : EnvelopeException
{
    /// <summary>The one message used for every authentication failure.</summary>
    public const string UniformMessage = "The envelope could not be decrypted: it is not authentic, was altered or truncated, or does not match the keys or encryption context supplied.";

    /// <summary>Creates the exception with <see cref="UniformMessage"/>.</summary>
    public EnvelopeAuthenticationException()
        : base(UniformMessage)
    {
    }
}
