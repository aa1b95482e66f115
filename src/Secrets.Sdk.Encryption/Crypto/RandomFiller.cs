namespace Secrets.Sdk.Encryption;

/// <summary>Fills a buffer with random bytes; a seam so tests can make deterministic test vectors.</summary>
/// <param name="destination">The buffer to fill.</param>
internal delegate void RandomFiller(Span<byte> destination);
