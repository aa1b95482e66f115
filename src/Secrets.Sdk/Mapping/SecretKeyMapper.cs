namespace Secrets.Sdk;

/// <summary>
/// Maps a secret to its configuration key: the store's own key when it has one
/// (<see cref="SecretMetadata.ConfigurationKey"/>: an explicit section, a path below a listed prefix), otherwise the
/// secret's name with the backend's delimiters turned into <c>:</c>. Derive from it and override <see cref="GetKey"/>
/// to choose keys yourself, as with Azure's <c>KeyVaultSecretManager.GetKey</c>.
/// </summary>
public class SecretKeyMapper
{
    private readonly string[] _delimiters;

    /// <summary>Creates a mapper that turns each of <paramref name="delimiters"/> in a secret's name into <c>:</c>.</summary>
    /// <param name="delimiters">The delimiters of the backend's naming convention (Azure <c>--</c>, files <c>__</c>, AWS <c>/</c>).</param>
    public SecretKeyMapper(params string[] delimiters)
    {
        ArgumentNullException.ThrowIfNull(delimiters);
        _delimiters = delimiters.Where(d => !string.IsNullOrEmpty(d)).ToArray();
    }

    /// <summary>Gets the mapper used when a source sets none: <c>/</c>, <c>__</c> and <c>--</c> become <c>:</c>.</summary>
    public static SecretKeyMapper Default { get; } = new("/", "__", "--");

    /// <summary>Gets the delimiters this mapper turns into <c>:</c>.</summary>
    public IReadOnlyList<string> Delimiters => _delimiters;

    /// <summary>Creates a mapper from a function, for a one-line mapping without a derived class.</summary>
    /// <param name="getKey">Returns the configuration key of a secret, or <see langword="null"/> to skip it.</param>
    /// <returns>The mapper.</returns>
    public static SecretKeyMapper Create(Func<SecretMetadata, string?> getKey)
    {
        ArgumentNullException.ThrowIfNull(getKey);
        return new DelegateKeyMapper(getKey);
    }

    /// <summary>
    /// Returns the configuration key of <paramref name="secret"/>, or <see langword="null"/> to leave the secret out of
    /// configuration. Leading, trailing and doubled <c>:</c> are removed afterwards; an empty key places a JSON
    /// object's fields at the root (or directly under the source's section).
    /// </summary>
    /// <param name="secret">The secret's metadata, as its store listed it.</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public virtual string? GetKey(SecretMetadata secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.ConfigurationKey is { } key)
        {
            return key;
        }

        var result = secret.Name;
        foreach (var delimiter in _delimiters)
        {
            result = result.Replace(delimiter, ":", StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>Trims leading and trailing <c>:</c> and collapses empty segments; returns <see langword="null"/> for an empty key.</summary>
    internal static string? NormalizeKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (!key.Contains("::", StringComparison.Ordinal) && key[0] != ':' && key[^1] != ':')
        {
            return key;
        }

        var parts = key.Split(':', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? null : string.Join(':', parts);
    }

    private sealed class DelegateKeyMapper(Func<SecretMetadata, string?> getKey) : SecretKeyMapper
    {
        public override string? GetKey(SecretMetadata secret) => getKey(secret);
    }
}
