using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk.AspNetCore;

/// <summary>
/// Publishes a secret's version as a keyed digest: HMAC-SHA-256 over source, secret and version, first 16 hex digits. A
/// version that is a content hash (mounted files) could otherwise be checked against guessed values offline.
/// </summary>
internal sealed class VersionFingerprint
{
    private const int MinimumKeyBytes = 16;
    private readonly byte[] _key;

    public VersionFingerprint(byte[]? key)
    {
        if (key is not null && key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"{nameof(SecretsStatusOptions.FingerprintKey)} must be at least {MinimumKeyBytes} bytes; it was {key.Length}.", nameof(key));
        }

        _key = key is null ? RandomNumberGenerator.GetBytes(32) : [.. key];
    }

    public string? Of(string source, string secret, string? version)
    {
        if (version is null)
        {
            return null;
        }

        var input = Encoding.UTF8.GetBytes(string.Join('\n', source, secret, version));
        var digest = HMACSHA256.HashData(_key, input);
        return Convert.ToHexString(digest, 0, 8).ToLowerInvariant();
    }
}
