namespace Secrets.Sdk;

/// <summary>A key-encryption key could not wrap or unwrap a data key. Never carries key material.</summary>
public class KeyEncryptionKeyException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public KeyEncryptionKeyException()
        : base("The key-encryption key operation failed.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong; must not contain key material.</param>
    public KeyEncryptionKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and a cause.</summary>
    /// <param name="message">What went wrong; must not contain key material.</param>
    /// <param name="innerException">The cause.</param>
    public KeyEncryptionKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or initializes the KEK's provider id.</summary>
    public string? ProviderId { get; init; }

    /// <summary>Gets or initializes the KEK's key id.</summary>
    public string? KeyId { get; init; }
}
