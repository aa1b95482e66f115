namespace Secrets.Sdk.Encryption;

/// <summary>
/// A message is not a valid envelope, or exceeds a limit of the decrypt policy, detected before any key was used
/// (bad magic, unsupported version or suite, too many wrapped keys, header or body too large). The message says which.
/// </summary>
public sealed class EnvelopeFormatException : EnvelopeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and where.</param>
    public EnvelopeFormatException(string message)
        : base(message)
    {
    }
}
