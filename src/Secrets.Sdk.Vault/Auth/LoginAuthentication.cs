namespace Secrets.Sdk.Vault;

/// <summary>A login method (<c>auth/{mount}/login</c>): AppRole, Kubernetes or JWT.</summary>
internal sealed class LoginAuthentication(string mount, string description, Func<VaultLoginRequest> request) : VaultAuthentication
{
    internal override bool CanLogin => true;

    internal override async ValueTask<VaultLoginResult> LoginAsync(VaultClient client, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(request(), VaultJsonContext.Default.VaultLoginRequest);
        var response = await client.SendAsync(HttpMethod.Post, $"auth/{mount}/login", body, VaultJsonContext.Default.VaultAuthResponse, cancellationToken, authenticated: false).ConfigureAwait(false);
        var auth = response?.Auth ?? throw new SecretStoreException($"Vault login at auth/{mount}/login returned no token.", SecretErrorKind.InvalidResponse, client.Name);
        return new VaultLoginResult(auth.ClientToken, auth.Accessor, TimeSpan.FromSeconds(auth.LeaseDuration), auth.Renewable);
    }

    public override string ToString() => description;
}
