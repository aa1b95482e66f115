using System.Text.Json.Nodes;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>Writes an appsettings.json whose <c>SecretsManager</c> section declares the given sources.</summary>
internal static class SettingsFile
{
    public static string Write(TempDirectory dir, params JsonObject[] sources)
    {
        var json = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["SecretsManager"] = new JsonObject
            {
                ["Sources"] = new JsonArray([.. sources]),
            },
        };
        var path = dir.File("appsettings.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    public static JsonObject Vault(Uri address, string tokenFile, string path, string? name = null, string mount = "secret")
    {
        var source = new JsonObject
        {
            ["Type"] = "Vault",
            ["Address"] = address.ToString(),
            ["Authentication"] = new JsonObject { ["Method"] = "Token", ["TokenFile"] = tokenFile },
            ["KeyValue"] = new JsonArray(new JsonObject { ["Mount"] = mount, ["Path"] = path }),
        };
        if (name is not null)
        {
            source["Name"] = name;
        }

        return source;
    }

    public static JsonObject VaultDynamic(Uri address, string tokenFile, string credentialsPath) => new()
    {
        ["Type"] = "Vault",
        ["Address"] = address.ToString(),
        ["Authentication"] = new JsonObject { ["Method"] = "Token", ["TokenFile"] = tokenFile },
        ["DynamicSecrets"] = new JsonArray(new JsonObject { ["Path"] = credentialsPath, ["Section"] = "Database" }),
    };

    /// <summary>An AWS Secrets Manager source discovering <paramref name="prefix"/> at <paramref name="serviceUrl"/>, without retries (so a fault shows at once).</summary>
    public static JsonObject Aws(Uri serviceUrl, string prefix, string? name = null) => Named(name, new JsonObject
    {
        ["Type"] = "AwsSecretsManager",
        ["Region"] = "us-east-1",
        ["ServiceUrl"] = serviceUrl.ToString(),
        ["NamePrefix"] = prefix,
        ["Resilience"] = NoRetries(),
    });

    /// <summary>An Azure Key Vault source discovering <paramref name="prefix"/> in <paramref name="vaultUri"/>, without engine retries.</summary>
    public static JsonObject Azure(Uri vaultUri, string prefix, string? name = null) => Named(name, new JsonObject
    {
        ["Type"] = "AzureKeyVault",
        ["VaultUri"] = vaultUri.ToString(),
        ["NamePrefix"] = prefix,
        ["Resilience"] = NoRetries(),
    });

    /// <summary>A GCP Secret Manager source discovering secrets labelled <c>app=orders</c> at <paramref name="endpoint"/>, without retries.</summary>
    public static JsonObject Gcp(Uri endpoint, string projectId, string? name = null) => Named(name, new JsonObject
    {
        ["Type"] = "GcpSecretManager",
        ["ProjectId"] = projectId,
        ["Endpoint"] = endpoint.ToString(),
        ["Filter"] = "labels.app=orders",
        ["Resilience"] = NoRetries(),
    });

    public static JsonObject Files(string path) => new() { ["Type"] = "MountedFiles", ["Path"] = path };

    private static JsonObject NoRetries() => new() { ["MaxRetryAttempts"] = 0, ["CircuitBreakerEnabled"] = false };

    private static JsonObject Named(string? name, JsonObject source)
    {
        if (name is not null)
        {
            source["Name"] = name;
        }

        return source;
    }
}
