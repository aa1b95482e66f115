namespace Secrets.Sdk.Encryption;

/// <summary>
/// A key-encryption key URI could not be turned into a key: it is malformed, its scheme is unknown or its package is not
/// registered, or the key it names could not be opened. The message names the URI and the part that is wrong, never key
/// material.
/// </summary>
public sealed class KeyEncryptionKeyUriException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="uri">The URI as given.</param>
    /// <param name="message">The message (naming the URI and what is wrong).</param>
    /// <param name="innerException">The cause, if any.</param>
    public KeyEncryptionKeyUriException(string uri, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Uri = uri;
    }

    /// <summary>Gets the URI as given.</summary>
    public string Uri { get; }
}
