namespace Secrets.Sdk.Vault;

/// <summary>
/// How Secrets.Sdk authenticates to Vault (<c>AddVault</c> and the Transit key-encryption key alike). The token it gets
/// is renewed before it expires and, for login methods and token files, obtained again when renewal fails, the max TTL
/// is reached, or Vault answers 403.
/// </summary>
public abstract class VaultAuthentication
{
    private protected VaultAuthentication()
    {
    }

    /// <summary>Gets a value indicating whether a new token can be obtained without the user (a login method or a token file).</summary>
    internal abstract bool CanLogin { get; }

    /// <summary>A fixed token (for example from <c>VAULT_TOKEN</c>). It is renewed while renewable; it cannot be replaced.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The authentication.</returns>
    public static VaultAuthentication Token(string token) => new TokenAuthentication(token, null);

    /// <summary>A token read from a file (for example a Vault Agent sink), read again whenever a new token is needed.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The authentication.</returns>
    public static VaultAuthentication TokenFile(string path) => new TokenAuthentication(null, path);

    /// <summary>AppRole login (<c>auth/{mount}/login</c> with <c>role_id</c> and <c>secret_id</c>).</summary>
    /// <param name="roleId">The role id.</param>
    /// <param name="secretId">The secret id, or null to read it from <paramref name="secretIdFile"/>.</param>
    /// <param name="secretIdFile">A file holding the secret id (read at every login).</param>
    /// <param name="mount">The auth mount. Default: <c>approle</c>.</param>
    /// <returns>The authentication.</returns>
    public static VaultAuthentication AppRole(string roleId, string? secretId = null, string? secretIdFile = null, string mount = "approle")
    {
        ArgumentException.ThrowIfNullOrEmpty(roleId);
        if (secretId is null && secretIdFile is null)
        {
            throw new ArgumentException("AppRole needs a secret id or a file holding it.", nameof(secretId));
        }

        return new LoginAuthentication(mount, $"AppRole(mount={mount}, role_id={roleId})", () => new VaultLoginRequest
        {
            RoleId = roleId,
            SecretId = secretId ?? CredentialFile.ReadText(secretIdFile!, "AppRole secret id file"),
        });
    }

    /// <summary>Kubernetes login with the pod's service-account token (<c>auth/{mount}/login</c> with <c>role</c> and <c>jwt</c>).</summary>
    /// <param name="role">The Vault role.</param>
    /// <param name="jwtPath">The service-account token file, read at every login.</param>
    /// <param name="mount">The auth mount. Default: <c>kubernetes</c>.</param>
    /// <returns>The authentication.</returns>
    public static VaultAuthentication Kubernetes(string role, string jwtPath = "/var/run/secrets/kubernetes.io/serviceaccount/token", string mount = "kubernetes") =>
        Jwt(role, jwtPath, mount, "Kubernetes");

    /// <summary>JWT/OIDC login with a JWT from a file (<c>auth/{mount}/login</c> with <c>role</c> and <c>jwt</c>).</summary>
    /// <param name="role">The Vault role.</param>
    /// <param name="jwtPath">The JWT file, read at every login.</param>
    /// <param name="mount">The auth mount. Default: <c>jwt</c>.</param>
    /// <returns>The authentication.</returns>
    public static VaultAuthentication Jwt(string role, string jwtPath, string mount = "jwt") => Jwt(role, jwtPath, mount, "Jwt");

    /// <summary>Obtains a token.</summary>
    internal abstract ValueTask<VaultLoginResult> LoginAsync(VaultClient client, CancellationToken cancellationToken);

    private static LoginAuthentication Jwt(string role, string jwtPath, string mount, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentException.ThrowIfNullOrEmpty(jwtPath);
        return new LoginAuthentication(mount, $"{kind}(mount={mount}, role={role}, jwt file={jwtPath})", () => new VaultLoginRequest
        {
            Role = role,
            Jwt = CredentialFile.ReadText(jwtPath, "JWT file"),
        });
    }
}
