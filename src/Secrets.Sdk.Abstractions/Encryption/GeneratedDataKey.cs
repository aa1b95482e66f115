using System.Security.Cryptography;

namespace Secrets.Sdk;

/// <summary>
/// A fresh data key in plaintext together with its wrapped form. The owner disposes it, which zeroes the plaintext.
/// </summary>
public sealed class GeneratedDataKey : IDisposable
{
    private readonly byte[] _plaintext;
    private bool _disposed;

    /// <summary>Creates the pair, taking ownership of <paramref name="plaintext"/>.</summary>
    /// <param name="plaintext">The data key; this object zeroes it on dispose.</param>
    /// <param name="wrapped">The same key wrapped by the KEK.</param>
    public GeneratedDataKey(byte[] plaintext, WrappedDataKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(wrapped);
        _plaintext = plaintext;
        Wrapped = wrapped;
    }

    /// <summary>Gets the plaintext data key. Valid until the object is disposed.</summary>
    public ReadOnlySpan<byte> Plaintext
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _plaintext;
        }
    }

    /// <summary>Gets the wrapped form of the data key.</summary>
    public WrappedDataKey Wrapped { get; }

    /// <summary>Zeroes the plaintext key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_plaintext);
            _disposed = true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"GeneratedDataKey({Wrapped.ProviderId}:{Wrapped.KeyId})";
}
