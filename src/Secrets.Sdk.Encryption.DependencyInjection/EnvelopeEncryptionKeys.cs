namespace Secrets.Sdk.Encryption;

/// <summary>
/// The keys a registration opened: the ring the encryptor uses (URI keys first, then instances given in code) and the
/// URI keys it owns, disposed with the container.
/// </summary>
internal sealed class EnvelopeEncryptionKeys : IDisposable, IAsyncDisposable
{
    private readonly KeyEncryptionKeyRing? _owned;

    private EnvelopeEncryptionKeys(KeyEncryptionKeyRing ring, KeyEncryptionKeyRing? owned, EnvelopeEncryptorOptions encryptorOptions)
    {
        Ring = ring;
        _owned = owned;
        EncryptorOptions = encryptorOptions;
    }

    public KeyEncryptionKeyRing Ring { get; }

    public EnvelopeEncryptorOptions EncryptorOptions { get; }

    /// <summary>
    /// Opens every URI of <paramref name="options"/>; a failure names the URI's configuration path (<paramref name="paths"/>),
    /// no key at all names <paramref name="keysPath"/>.
    /// </summary>
    public static EnvelopeEncryptionKeys Open(EnvelopeEncryptionOptions options, string keysPath, IReadOnlyList<string> paths)
    {
        var opened = new List<IKeyEncryptionKey>();
        try
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < options.Keys.Count; i++)
            {
                var path = i < paths.Count ? paths[i] : $"{nameof(EnvelopeEncryptionOptions.Keys)}[{i}]";
                try
                {
                    var uri = KeyEncryptionKeyUri.Parse(options.Keys[i]);
                    if (seen.TryGetValue(uri.ToString(), out var first))
                    {
                        throw uri.CreateError($"the URI is also at {first}.");
                    }

                    seen[uri.ToString()] = path;
                    opened.Add(options.Resolver.Resolve(uri));
                }
                catch (KeyEncryptionKeyUriException ex)
                {
                    throw new InvalidOperationException($"Envelope encryption setting '{path}': {ex.Message}", ex);
                }
            }

            var all = opened.Concat(options.KeyEncryptionKeys).ToArray();
            if (all.Length == 0)
            {
                throw new InvalidOperationException($"Envelope encryption setting '{keysPath}': at least one key-encryption key URI is required (for example \"local:/keys/app.key\").");
            }

            return new EnvelopeEncryptionKeys(
                new KeyEncryptionKeyRing(all),
                opened.Count > 0 ? new KeyEncryptionKeyRing(opened, ownsKeys: true) : null,
                options.Encryptor);
        }
        catch
        {
            if (opened.Count > 0)
            {
                new KeyEncryptionKeyRing(opened, ownsKeys: true).Dispose();
            }

            throw;
        }
    }

    public void Dispose() => _owned?.Dispose();

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
