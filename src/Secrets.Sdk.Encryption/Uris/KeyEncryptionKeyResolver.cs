namespace Secrets.Sdk.Encryption;

/// <summary>
/// Turns key-encryption key URIs into keys. <c>local:PATH</c> (a key file: 32 raw bytes or their base64) is built in;
/// every other scheme is added by its package (<c>AddVaultTransit()</c>, <c>AddAwsKms()</c>, <c>AddAzureKeyVault()</c>,
/// <c>AddGcpKms()</c>), explicitly, so nothing is found by reflection and trimming keeps only what is registered.
/// </summary>
/// <remarks>
/// A URI with an unknown scheme, or with the scheme of a package that is not registered, fails with a
/// <see cref="KeyEncryptionKeyUriException"/> naming the scheme and the package to add. Keys are created when resolved;
/// the caller owns them (a <see cref="KeyEncryptionKeyRing"/> from <see cref="ResolveRing"/> owns its keys).
/// </remarks>
public sealed class KeyEncryptionKeyResolver
{
    /// <summary>The scheme of a local key file, <c>local:PATH</c>.</summary>
    public const string LocalScheme = "local";

    private readonly Dictionary<string, Func<KeyEncryptionKeyUri, IKeyEncryptionKey>> _schemes = new(StringComparer.Ordinal);

    /// <summary>Creates a resolver that knows the <c>local</c> scheme.</summary>
    public KeyEncryptionKeyResolver()
    {
        _schemes[LocalScheme] = OpenLocal;
    }

    /// <summary>Gets the registered schemes.</summary>
    public IReadOnlyCollection<string> Schemes => _schemes.Keys;

    /// <summary>Registers (or replaces) the factory of a scheme.</summary>
    /// <param name="scheme">The scheme, without the colon (case-insensitive).</param>
    /// <param name="factory">Creates the key a URI names; throws <see cref="KeyEncryptionKeyUriException"/> (see <see cref="KeyEncryptionKeyUri.CreateError"/>) for a bad address.</param>
    /// <returns>This resolver.</returns>
    public KeyEncryptionKeyResolver AddScheme(string scheme, Func<KeyEncryptionKeyUri, IKeyEncryptionKey> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(factory);
        var parsed = KeyEncryptionKeyUri.Parse(scheme + ":x");
        _schemes[parsed.Scheme] = factory;
        return this;
    }

    /// <summary>Creates the key <paramref name="uri"/> names.</summary>
    /// <param name="uri">The URI, for example <c>aws-kms:arn:aws:kms:eu-west-1:111122223333:key/…</c>.</param>
    /// <returns>The key; the caller owns (and disposes) it.</returns>
    /// <exception cref="KeyEncryptionKeyUriException">The URI is malformed, its scheme is not registered, or its key could not be opened.</exception>
    public IKeyEncryptionKey Resolve(string uri) => Resolve(KeyEncryptionKeyUri.Parse(uri));

    /// <summary>Creates the key <paramref name="uri"/> names.</summary>
    /// <param name="uri">The parsed URI.</param>
    /// <returns>The key; the caller owns (and disposes) it.</returns>
    /// <exception cref="KeyEncryptionKeyUriException">The scheme is not registered, or the key could not be opened.</exception>
    public IKeyEncryptionKey Resolve(KeyEncryptionKeyUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!_schemes.TryGetValue(uri.Scheme, out var factory))
        {
            throw UnknownScheme(uri);
        }

        try
        {
            return factory(uri);
        }
        catch (KeyEncryptionKeyUriException)
        {
            throw;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidOperationException or KeyEncryptionKeyException)
        {
            throw uri.CreateError($"the key could not be opened: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Creates a key ring from <paramref name="uris"/>: the first key wraps new data keys, every key unwraps. The ring owns
    /// the keys it created; if one URI fails, the keys already created are disposed.
    /// </summary>
    /// <param name="uris">The URIs, at least one, the encrypting key first.</param>
    /// <returns>The ring; the caller disposes it.</returns>
    /// <exception cref="KeyEncryptionKeyUriException">A URI is malformed, repeated, not registered, or its key could not be opened (the message names which).</exception>
    public KeyEncryptionKeyRing ResolveRing(IEnumerable<string> uris)
    {
        ArgumentNullException.ThrowIfNull(uris);
        var keys = new List<IKeyEncryptionKey>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var text in uris)
            {
                var uri = KeyEncryptionKeyUri.Parse(text);
                if (!seen.Add(uri.ToString()))
                {
                    throw uri.CreateError("the URI appears twice in the key ring.");
                }

                keys.Add(Resolve(uri));
            }

            if (keys.Count == 0)
            {
                throw new ArgumentException("A key ring needs at least one key-encryption key URI.", nameof(uris));
            }

            return new KeyEncryptionKeyRing(keys, ownsKeys: true);
        }
        catch
        {
            KeyEncryptionKeyRing.DisposeKeys(keys);
            throw;
        }
    }

    private KeyEncryptionKeyUriException UnknownScheme(KeyEncryptionKeyUri uri)
    {
        foreach (var (scheme, package, registration) in KnownKeyEncryptionKeySchemes.All)
        {
            if (scheme == uri.Scheme)
            {
                return uri.CreateError($"the scheme '{uri.Scheme}' is provided by the package {package}; add a reference to it and register the scheme with {registration} on the resolver (or the envelope encryption builder).");
            }
        }

        var registered = string.Join(", ", _schemes.Keys.Order(StringComparer.Ordinal));
        return uri.CreateError($"the scheme '{uri.Scheme}' is unknown. Registered schemes: {registered}. Schemes with a Secrets.Sdk package: {KnownKeyEncryptionKeySchemes.Describe()}.");
    }

    private static LocalKeyEncryptionKey OpenLocal(KeyEncryptionKeyUri uri)
    {
        // local:PATH, also written local:///abs/path or local://./relative by habit from other tools: a leading "//" is dropped.
        var path = uri.Address.StartsWith("//", StringComparison.Ordinal) ? uri.Address[2..] : uri.Address;
        if (path.Length == 0)
        {
            throw uri.CreateError("the key file path is empty.");
        }

        try
        {
            return LocalKeyEncryptionKey.FromFile(path);
        }
        catch (FileNotFoundException ex)
        {
            throw uri.CreateError($"the key file '{path}' does not exist.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw uri.CreateError($"the directory of the key file '{path}' does not exist.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw uri.CreateError($"the key file '{path}' cannot be read (permission denied).", ex);
        }
    }
}
