namespace Secrets.Sdk;

/// <summary>
/// A required secret source, or a required secret in it, could not be loaded at startup. The message names the
/// source, the secret and the cause; it never contains a secret value.
/// </summary>
public sealed class SecretsLoadException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SecretsLoadException()
        : base("A required secret source could not be loaded.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What failed.</param>
    public SecretsLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public SecretsLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a source and, optionally, one of its secrets.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="secretName">The secret's name, when one secret is concerned.</param>
    /// <param name="innerException">The cause.</param>
    public SecretsLoadException(string message, string? sourceName, string? secretName, Exception? innerException)
        : base(message, innerException)
    {
        SourceName = sourceName;
        SecretName = secretName;
    }

    /// <summary>Gets the name of the source that failed.</summary>
    public string? SourceName { get; }

    /// <summary>Gets the name of the secret that failed, when one secret is concerned.</summary>
    public string? SecretName { get; }
}
