namespace Secrets.Sdk.Vault;

/// <summary>
/// The source type <c>"Type": "Vault"</c> in a declared secrets section: address, namespace, TLS, HTTP limits, an
/// <c>Authentication</c> object whose credentials come from files or <c>VAULT_TOKEN</c> (never from the file itself),
/// <c>KeyValue</c> paths and <c>DynamicSecrets</c>, plus every common source setting. Found by the engine by name.
/// </summary>
internal sealed class VaultSourceType : ISecretSourceType
{
    private const string TokenAdvice =
        "a Vault token must not be written in configuration: put it in a file readable only by the application and set \"Authentication\": { \"Method\": \"Token\", \"TokenFile\": \"...\" }, or set the VAULT_TOKEN environment variable.";

    private const string SecretIdAdvice =
        "an AppRole secret id must not be written in configuration: put it in a file (for example one written by Vault Agent or the orchestrator) and set \"SecretIdFile\".";

    private const string JwtAdvice =
        "a JWT must not be written in configuration: point \"JwtFile\" at the file holding it (Kubernetes: the projected service-account token).";

    private static readonly string[] Methods = ["Token", "AppRole", "Kubernetes", "Jwt"];

    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declaration);
        builder.AddVault(options => Read(declaration, options, Environment.GetEnvironmentVariable));
    }

    internal static void Read(DeclaredSection declaration, VaultSourceOptions options, Func<string, string?> environment)
    {
        declaration.ApplyTo(options);
        declaration.Reject("Token", TokenAdvice);
        options.Address = declaration.GetUri(nameof(options.Address));
        if (options.Address is null && !declaration.Contains(nameof(options.Address)) && string.IsNullOrEmpty(environment("VAULT_ADDR")))
        {
            declaration.AddProblem(nameof(options.Address), "required setting is missing (or set the VAULT_ADDR environment variable).");
        }

        options.Namespace = declaration.GetString(nameof(options.Namespace));
        options.FollowStandbyRedirect = declaration.GetBoolean(nameof(options.FollowStandbyRedirect)) ?? options.FollowStandbyRedirect;
        BackendHttpDeclaration.Read(declaration, options.Http);
        options.AllowInsecureHttp = declaration.GetBoolean(nameof(options.AllowInsecureHttp)) ?? options.AllowInsecureHttp;
        if (declaration.GetSection(nameof(options.Tls)) is { } tls)
        {
            options.Tls.CaCertificatePath = tls.GetString(nameof(options.Tls.CaCertificatePath));
        }

        options.Authentication = ReadAuthentication(declaration, environment);
        foreach (var path in declaration.GetSections("KeyValue"))
        {
            var mount = path.GetRequiredString("Mount");
            var folder = path.GetString("Path") ?? string.Empty;
            var version = path.GetInt32("Version");
            var neverList = path.GetBoolean("NeverList") ?? false;
            var secrets = path.GetStrings("Secrets");
            if (mount is not null)
            {
                options.AddKeyValue(mount, folder, version, neverList, [.. secrets]);
            }
        }

        foreach (var secret in declaration.GetSections(nameof(options.DynamicSecrets), shorthandKey: "Path"))
        {
            var path = secret.GetRequiredString("Path");
            var section = secret.GetString("Section");
            if (path is not null)
            {
                options.AddDynamicSecret(path, section);
            }
        }

        if (options.KeyValuePaths.Count == 0 && options.DynamicSecrets.Count == 0 && !declaration.Contains("KeyValue") && !declaration.Contains(nameof(options.DynamicSecrets)))
        {
            declaration.AddProblem(null, "a Vault source reads nothing: add a \"KeyValue\" list ({ \"Mount\": \"secret\", \"Path\": \"app/prod\" }) or a \"DynamicSecrets\" list.");
        }

        declaration.Customize(options);
    }

    private static VaultAuthentication? ReadAuthentication(DeclaredSection declaration, Func<string, string?> environment)
    {
        var hasEnvironmentToken = !string.IsNullOrEmpty(environment("VAULT_TOKEN"));
        if (declaration.GetSection("Authentication") is not { } auth)
        {
            if (!hasEnvironmentToken)
            {
                declaration.AddProblem("Authentication", $"required setting is missing (or set the VAULT_TOKEN environment variable). Methods: {string.Join(", ", Methods)}.");
            }

            return null;
        }

        auth.Reject("Token", TokenAdvice);
        auth.Reject("SecretId", SecretIdAdvice);
        auth.Reject("Jwt", JwtAdvice);
        var method = auth.GetChoice("Method", Methods);
        if (method is null)
        {
            if (!auth.Contains("Method"))
            {
                auth.AddProblem("Method", $"required setting is missing. Methods: {string.Join(", ", Methods)}.");
            }

            auth.IgnoreSettings("TokenFile", "RoleId", "SecretIdFile", "Role", "JwtFile", "Mount");
            return null;
        }

        switch (method)
        {
            case "Token":
                if (auth.GetString("TokenFile") is { } tokenFile)
                {
                    return VaultAuthentication.TokenFile(tokenFile);
                }

                if (!hasEnvironmentToken)
                {
                    auth.AddProblem("TokenFile", "required setting is missing (or set the VAULT_TOKEN environment variable).");
                }

                return null; // VAULT_TOKEN, applied by AddVault.
            case "AppRole":
            {
                var roleId = auth.GetRequiredString("RoleId");
                var secretIdFile = auth.GetRequiredString("SecretIdFile");
                var mount = auth.GetString("Mount") ?? "approle";
                return roleId is null || secretIdFile is null ? null : VaultAuthentication.AppRole(roleId, secretIdFile: secretIdFile, mount: mount);
            }

            case "Kubernetes":
            {
                var role = auth.GetRequiredString("Role");
                var jwtFile = auth.GetString("JwtFile");
                var mount = auth.GetString("Mount") ?? "kubernetes";
                return role is null ? null : jwtFile is null ? VaultAuthentication.Kubernetes(role, mount: mount) : VaultAuthentication.Kubernetes(role, jwtFile, mount);
            }

            default:
            {
                var role = auth.GetRequiredString("Role");
                var jwtFile = auth.GetRequiredString("JwtFile");
                var mount = auth.GetString("Mount") ?? "jwt";
                return role is null || jwtFile is null ? null : VaultAuthentication.Jwt(role, jwtFile, mount);
            }
        }
    }
}
