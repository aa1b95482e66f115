using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk;

/// <summary>
/// The value of a secret: bytes with an optional text view. It never shows its content in
/// <see cref="ToString"/>, in the debugger or in any message, so it is safe to pass to a logger.
/// </summary>
/// <remarks>
/// Read the content with <see cref="GetText"/>, <see cref="GetBytes"/> or <see cref="Span"/>.
/// <see cref="Fingerprint"/> gives a short, one-way SHA-256 prefix that identifies a value
/// (for logs and change detection) without revealing it.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class SecretValue : IEquatable<SecretValue>
{
    private readonly byte[] _bytes;
    private string? _text;
    private string? _fingerprint;

    private SecretValue(byte[] bytes, string? text, bool isText)
    {
        _bytes = bytes;
        _text = text;
        IsText = isText;
    }

    /// <summary>An empty text value.</summary>
    public static SecretValue Empty { get; } = new([], string.Empty, isText: true);

    /// <summary>Creates a value from text; its bytes are the UTF-8 encoding of <paramref name="text"/>.</summary>
    /// <param name="text">The secret text.</param>
    /// <returns>The value.</returns>
    public static SecretValue FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SecretValue(Encoding.UTF8.GetBytes(text), text, isText: true);
    }

    /// <summary>Creates a binary value from a copy of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The secret bytes; they are copied.</param>
    /// <returns>The value.</returns>
    public static SecretValue FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray(), null, isText: false);

    /// <summary>Gets a value indicating whether the value was created from (or is known to be) text.</summary>
    public bool IsText { get; }

    /// <summary>Gets the length of the value in bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Gets the raw bytes without copying.</summary>
    public ReadOnlySpan<byte> Span => _bytes;

    /// <summary>Gets the raw bytes without copying.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    /// <summary>Returns a copy of the raw bytes; the caller owns it.</summary>
    /// <returns>A new array holding the value.</returns>
    public byte[] GetBytes() => (byte[])_bytes.Clone();

    /// <summary>Returns the value as text (UTF-8 decoded for binary values).</summary>
    /// <returns>The secret text.</returns>
    public string GetText() => _text ??= Encoding.UTF8.GetString(_bytes);

    /// <summary>
    /// Gets a short one-way fingerprint of the value (the first 12 hex digits of its SHA-256),
    /// safe to log and to compare. It is not a key and must not be used as one.
    /// </summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint(_bytes);

    /// <summary>Compares two values in constant time for equal lengths.</summary>
    /// <param name="other">The other value.</param>
    /// <returns><see langword="true"/> when both hold the same bytes.</returns>
    public bool Equals(SecretValue? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SecretValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _bytes.Length;

    /// <summary>Returns a redacted description that never contains the value.</summary>
    /// <returns><c>[redacted: N bytes]</c>.</returns>
    public override string ToString() => $"[redacted: {_bytes.Length} bytes]";

    private static string ComputeFingerprint(byte[] bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexString(hash[..6]).ToLowerInvariant();
    }
}
