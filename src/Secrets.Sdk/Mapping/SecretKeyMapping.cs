namespace Secrets.Sdk;

/// <summary>Ready-made key mappers for <see cref="SecretSourceOptions.KeyMapper"/>.</summary>
public static class SecretKeyMapping
{
    /// <summary>
    /// The default mapper: <c>/</c>, <c>__</c> and <c>--</c> become the configuration delimiter <c>:</c>,
    /// leading and trailing delimiters are trimmed.
    /// </summary>
    public static Func<SecretMetadata, string?> Default { get; } = Delimited("/", "__", "--");

    /// <summary>Creates a mapper that turns each of <paramref name="delimiters"/> in the secret name into <c>:</c>.</summary>
    /// <param name="delimiters">The delimiters of the backend's naming convention (Azure <c>--</c>, files <c>__</c>, AWS <c>/</c>).</param>
    /// <returns>The mapper.</returns>
    public static Func<SecretMetadata, string?> Delimited(params string[] delimiters)
    {
        ArgumentNullException.ThrowIfNull(delimiters);
        var copy = delimiters.Where(d => !string.IsNullOrEmpty(d)).ToArray();
        return secret => NormalizeKey(ReplaceDelimiters(secret.Name, copy));
    }

    /// <summary>Replaces each delimiter in <paramref name="name"/> with <c>:</c>.</summary>
    /// <param name="name">A secret name.</param>
    /// <param name="delimiters">The delimiters to replace.</param>
    /// <returns>The name with delimiters replaced.</returns>
    public static string ReplaceDelimiters(string name, IReadOnlyList<string> delimiters)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(delimiters);
        var result = name;
        foreach (var delimiter in delimiters)
        {
            result = result.Replace(delimiter, ":", StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>Trims leading and trailing <c>:</c> and collapses empty segments; returns <see langword="null"/> for an empty key.</summary>
    /// <param name="key">A configuration key.</param>
    /// <returns>The normalized key, or <see langword="null"/>.</returns>
    public static string? NormalizeKey(string? key)
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
}
