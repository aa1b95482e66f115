namespace Secrets.Sdk.Encryption;

/// <summary>
/// A key-encryption key named by a URI, <c>SCHEME:ADDRESS</c>: <c>local:PATH</c>, <c>vault-transit:MOUNT/KEY</c>,
/// <c>aws-kms:ARN</c>, <c>azure-kv:https://VAULT/keys/NAME</c>, <c>gcp-kms:projects/.../cryptoKeys/NAME</c>. The scheme
/// is case-insensitive (kept in lower case); the address is kept as written. Resolve one with
/// <see cref="KeyEncryptionKeyResolver"/>.
/// </summary>
public sealed class KeyEncryptionKeyUri
{
    private KeyEncryptionKeyUri(string scheme, string address)
    {
        Scheme = scheme;
        Address = address;
    }

    /// <summary>Gets the scheme, in lower case (for example <c>aws-kms</c>).</summary>
    public string Scheme { get; }

    /// <summary>Gets everything after the first <c>:</c>, as written (for example the key ARN).</summary>
    public string Address { get; }

    /// <summary>Parses <paramref name="uri"/>; surrounding white space is ignored.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The parsed URI.</returns>
    /// <exception cref="KeyEncryptionKeyUriException">The text has no scheme, an invalid scheme or nothing after it.</exception>
    public static KeyEncryptionKeyUri Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.Trim();
        if (text.Length == 0)
        {
            throw new KeyEncryptionKeyUriException(uri, "Key-encryption key URI is empty; expected SCHEME:ADDRESS, for example 'local:/keys/app.key'.");
        }

        if (text.Any(char.IsControl))
        {
            throw new KeyEncryptionKeyUriException(uri, $"Key-encryption key URI '{Printable(text)}' contains a control character.");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new KeyEncryptionKeyUriException(uri, $"Key-encryption key URI '{text}' has no scheme; expected SCHEME:ADDRESS, for example 'local:{text}'.");
        }

        var scheme = text[..colon];
        if (!IsValidScheme(scheme))
        {
            throw new KeyEncryptionKeyUriException(uri, $"Key-encryption key URI '{text}' has an invalid scheme '{scheme}': a scheme is a letter followed by letters, digits, '+', '-' or '.'.");
        }

        var address = text[(colon + 1)..];
        if (address.Length == 0)
        {
            throw new KeyEncryptionKeyUriException(uri, $"Key-encryption key URI '{text}' has nothing after '{scheme}:'; the {scheme.ToLowerInvariant()} scheme needs an address.");
        }

        return new KeyEncryptionKeyUri(scheme.ToLowerInvariant(), address);
    }

    /// <summary>
    /// Creates the error a scheme's parser throws for a bad address: the message names this URI, then
    /// <paramref name="problem"/> (which should name the part that is wrong).
    /// </summary>
    /// <param name="problem">What is wrong, for example <c>the service 'sqs' is not 'kms'</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>The exception to throw.</returns>
    public KeyEncryptionKeyUriException CreateError(string problem, Exception? innerException = null) =>
        new(ToString(), $"Key-encryption key URI '{this}': {problem}", innerException);

    /// <inheritdoc/>
    public override string ToString() => $"{Scheme}:{Address}";

    private static bool IsValidScheme(string scheme) =>
        scheme.Length > 0 && char.IsAsciiLetter(scheme[0]) && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
