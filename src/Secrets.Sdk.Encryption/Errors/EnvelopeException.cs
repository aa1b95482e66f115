namespace Secrets.Sdk.Encryption;

/// <summary>The base of every envelope decryption failure: catch this to handle them all.</summary>
public abstract class EnvelopeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected EnvelopeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
