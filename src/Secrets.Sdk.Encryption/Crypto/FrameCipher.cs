using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// The per-message AEAD: AES-256-GCM or ChaCha20-Poly1305 under the key derived for one message. Nonces are never
/// random: frame <c>i</c> uses <c>0^4 ‖ i (u32 BE) ‖ 0^3 ‖ type</c>, the header tag uses sequence 0, and the key is
/// unique per message, so a nonce can never repeat under one key.
/// </summary>
internal sealed class FrameCipher : IDisposable
{
    /// <summary>Size of the per-message key (the first half of the HKDF output).</summary>
    private const int MessageKeySize = 32;
    private readonly AesGcm? _aes;
    private readonly ChaCha20Poly1305? _chacha;
    private readonly byte[] _messageId;

    private FrameCipher(EnvelopeSuite suite, ReadOnlySpan<byte> key, byte[] messageId)
    {
        _messageId = messageId;
        if (suite == EnvelopeSuite.Aes256Gcm)
        {
            _aes = new AesGcm(key, EnvelopeLayout.TagSize);
        }
        else
        {
            _chacha = new ChaCha20Poly1305(key);
        }
    }

    /// <summary>Gets the HKDF info label; the suite id byte follows it.</summary>
    private static ReadOnlySpan<byte> HkdfInfoLabel => "secrets-sdk envelope v1"u8;

    /// <summary>Derives the message key and the key commitment from the data key with HKDF-SHA512 (salt = message id).</summary>
    public static FrameCipher Create(EnvelopeSuite suite, ReadOnlySpan<byte> dataKey, byte[] messageId, Span<byte> commitment)
    {
        Span<byte> info = stackalloc byte[HkdfInfoLabel.Length + EnvelopeLayout.SuiteIdSize];
        HkdfInfoLabel.CopyTo(info);
        info[^1] = (byte)suite;
        Span<byte> okm = stackalloc byte[MessageKeySize + EnvelopeLayout.CommitmentSize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA512, dataKey, okm, messageId, info);
            okm[MessageKeySize..].CopyTo(commitment);
            return new FrameCipher(suite, okm[..MessageKeySize], messageId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(okm);
        }
    }

    public void EncryptFrame(uint sequence, byte type, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[EnvelopeLayout.NonceSize];
        Span<byte> aad = stackalloc byte[EnvelopeLayout.FrameAadSize];
        Build(sequence, type, plaintext.Length, nonce, aad);
        Encrypt(nonce, plaintext, ciphertext, tag, aad);
    }

    public bool TryDecryptFrame(uint sequence, byte type, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[EnvelopeLayout.NonceSize];
        Span<byte> aad = stackalloc byte[EnvelopeLayout.FrameAadSize];
        Build(sequence, type, ciphertext.Length, nonce, aad);
        return TryDecrypt(nonce, ciphertext, tag, plaintext, aad);
    }

    /// <summary>Computes the header tag: an AEAD over no plaintext, with the authenticated header as associated data.</summary>
    public void ComputeHeaderTag(ReadOnlySpan<byte> header, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[EnvelopeLayout.NonceSize];
        nonce.Clear();
        Encrypt(nonce, [], [], tag, header);
    }

    public bool VerifyHeaderTag(ReadOnlySpan<byte> header, ReadOnlySpan<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[EnvelopeLayout.NonceSize];
        nonce.Clear();
        return TryDecrypt(nonce, [], tag, [], header);
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _chacha?.Dispose();
    }

    private void Build(uint sequence, byte type, int length, Span<byte> nonce, Span<byte> aad)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[EnvelopeLayout.NonceSequenceOffset..], sequence);
        nonce[EnvelopeLayout.NonceFrameTypeOffset] = type;
        _messageId.CopyTo(aad);
        aad[EnvelopeLayout.AadFrameTypeOffset] = type;
        BinaryPrimitives.WriteUInt32BigEndian(aad[EnvelopeLayout.AadSequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(aad[EnvelopeLayout.AadLengthOffset..], (uint)length);
    }

    private void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_aes is not null)
        {
            _aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }
        else
        {
            _chacha!.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }
    }

    private bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        try
        {
            if (_aes is not null)
            {
                _aes.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            }
            else
            {
                _chacha!.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}
