using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>A login method (<c>auth/{mount}/login</c>): AppRole, Kubernetes or JWT.</summary>
internal sealed class LoginAuthentication(string mount, string description, Func<VaultLoginRequest> request) : VaultAuthentication
{
    internal override bool CanLogin => true;

    internal override async ValueTask<VaultLoginResult> LoginAsync(VaultClient client, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(request(), VaultJsonContext.Default.VaultLoginRequest);
        var response = await client.SendAsync(HttpMethod.Post, $"auth/{mount}/login", body, VaultJsonContext.Default.VaultAuthResponse, cancellationToken, authenticated: false).ConfigureAwait(false);
        var operation = new BackendOperation($"POST auth/{mount}/login");
        var auth = response!.Auth ?? throw client.Http.MissingField(operation, "auth");
        if (string.IsNullOrEmpty(auth.ClientToken))
        {
            throw client.Http.MissingField(operation, "auth.client_token");
        }

        return new VaultLoginResult(auth.ClientToken, auth.Accessor, TimeSpan.FromSeconds(Math.Max(0, auth.LeaseDuration)), auth.Renewable);
    }

    public override string ToString() => description;
}
