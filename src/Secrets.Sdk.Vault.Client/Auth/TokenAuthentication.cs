namespace Secrets.Sdk.Vault;

/// <summary>A fixed token, or a token file read again when a new token is needed.</summary>
internal sealed class TokenAuthentication(string? token, string? path) : VaultAuthentication
{
    internal override bool CanLogin => path is not null;

    internal override ValueTask<VaultLoginResult> LoginAsync(VaultClient client, CancellationToken cancellationToken)
    {
        var value = token ?? CredentialFile.ReadText(path!, "token file");
        if (string.IsNullOrEmpty(value))
        {
            throw new SecretStoreException(path is null ? "The Vault token is empty." : $"The Vault token file '{path}' is empty.", SecretErrorKind.Unauthenticated, client.Name);
        }

        return new ValueTask<VaultLoginResult>(new VaultLoginResult(value, null, null, false));
    }

    public override string ToString() => path is null ? "Token(static)" : $"TokenFile({path})";
}
