namespace Secrets.Sdk.Encryption;

/// <summary>
/// Text armor for envelope messages, for configuration files and text columns: the prefix <c>ssev1.</c> followed by the
/// message in unpadded base64url (RFC 4648 §5), so it survives JSON, YAML, environment variables and URLs.
/// </summary>
public static class EnvelopeArmor
{
    /// <summary>The prefix of armored messages.</summary>
    public const string Prefix = "ssev1.";

    /// <summary>Armors a binary message.</summary>
    /// <param name="message">The binary message.</param>
    /// <returns>The armored text.</returns>
    public static string Encode(ReadOnlySpan<byte> message)
    {
        var base64 = Convert.ToBase64String(message);
        var chars = new char[base64.Length];
        var length = 0;
        foreach (var c in base64)
        {
            switch (c)
            {
                case '+':
                    chars[length++] = '-';
                    break;
                case '/':
                    chars[length++] = '_';
                    break;
                case '=':
                    break;
                default:
                    chars[length++] = c;
                    break;
            }
        }

        return string.Concat(Prefix, new string(chars, 0, length));
    }

    /// <summary>Returns the binary message inside armored text.</summary>
    /// <param name="armored">The armored text.</param>
    /// <returns>The binary message.</returns>
    /// <exception cref="EnvelopeFormatException">The text is not an armored envelope.</exception>
    public static byte[] Decode(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        if (!armored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new EnvelopeFormatException($"Armored envelopes start with '{Prefix}'.");
        }

        var body = armored.AsSpan(Prefix.Length);
        var padded = new char[body.Length + ((4 - (body.Length % 4)) % 4)];
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            padded[i] = c switch
            {
                '-' => '+',
                '_' => '/',
                '+' or '/' or '=' => throw new EnvelopeFormatException("Armored envelopes use unpadded base64url; found a '+', '/' or '=' character."),
                _ => c,
            };
        }

        for (var i = body.Length; i < padded.Length; i++)
        {
            padded[i] = '=';
        }

        try
        {
            return Convert.FromBase64CharArray(padded, 0, padded.Length);
        }
        catch (FormatException)
        {
            throw new EnvelopeFormatException("The armored envelope is not valid base64url.");
        }
    }
}
