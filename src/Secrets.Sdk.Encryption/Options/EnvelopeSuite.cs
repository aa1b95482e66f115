namespace Secrets.Sdk.Encryption;

/// <summary>The algorithm suite of an envelope message. Both derive a per-message key and a key commitment with HKDF-SHA512.</summary>
public enum EnvelopeSuite : byte
{
    /// <summary>AES-256-GCM frames (the default).</summary>
    Aes256Gcm = 1,

    /// <summary>ChaCha20-Poly1305 frames (faster than AES-GCM without AES hardware, and on some machines at large sizes).</summary>
    ChaCha20Poly1305 = 2,
}
