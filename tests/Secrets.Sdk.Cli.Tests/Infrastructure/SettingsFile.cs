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

    public static JsonObject Files(string path) => new() { ["Type"] = "MountedFiles", ["Path"] = path };
}
