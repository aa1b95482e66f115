namespace Secrets.Sdk.Azure;

/// <summary>A Key Vault key identifier, <c>https://VAULT/keys/NAME[/VERSION]</c>, split into its parts.</summary>
/// <param name="Vault">The vault's base URI (scheme, host and port, ending in <c>/</c>).</param>
/// <param name="Name">The key name.</param>
/// <param name="Version">The version id, or <see langword="null"/> for the current version.</param>
internal sealed record KeyVaultKeyId(Uri Vault, string Name, string? Version)
{
    /// <summary>Gets the identifier as Key Vault writes it.</summary>
    public string Id => $"{Vault}keys/{Name}{(Version is null ? string.Empty : "/" + Version)}";

    /// <summary>Parses an identifier; returns <see langword="null"/> when it is not a Key Vault key id.</summary>
    public static KeyVaultKeyId? TryParse(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return null;
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length is < 2 or > 3 || segments[0] != "keys" || !segments.Skip(1).All(IsToken))
        {
            return null;
        }

        return new KeyVaultKeyId(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), segments[1], segments.Length == 3 ? segments[2] : null);
    }

    /// <summary>Returns whether <paramref name="other"/> is a version of the same key in the same vault.</summary>
    public bool IsSameKey(KeyVaultKeyId other) =>
        Uri.Compare(Vault, other.Vault, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string segment) => segment.Length is > 0 and <= 127 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
