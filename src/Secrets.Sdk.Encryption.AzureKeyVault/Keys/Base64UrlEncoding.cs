namespace Secrets.Sdk.Azure;

/// <summary>Unpadded base64url (RFC 4648 §5), as Key Vault's JSON Web Key values use; net8.0 has no public encoder for it.</summary>
internal static class Base64UrlEncoding
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <exception cref="FormatException">Not base64url.</exception>
    public static byte[] Decode(string value)
    {
        var text = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }
}
