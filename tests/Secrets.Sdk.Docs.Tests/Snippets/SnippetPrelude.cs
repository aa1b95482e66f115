namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>
/// What every snippet may take for granted (docs/architecture.md, "Docs that compile"): the global usings below, the
/// types in <see cref="Types"/>, and the variables in <see cref="Variables"/>, each declared only when the snippet uses
/// the name without declaring it.
/// </summary>
internal static class SnippetPrelude
{
    /// <summary>Gets the namespaces every snippet can use without a using directive (the SDK's implicit usings for a web app, and every Secrets.Sdk namespace).</summary>
    public static IReadOnlyList<string> Usings { get; } =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "Microsoft.AspNetCore.Builder", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging", "Microsoft.Extensions.Options", "Azure.Identity",
        "Secrets.Sdk", "Secrets.Sdk.Aws", "Secrets.Sdk.Azure", "Secrets.Sdk.Encryption", "Secrets.Sdk.Files", "Secrets.Sdk.Gcp",
        "Secrets.Sdk.Http", "Secrets.Sdk.Testing", "Secrets.Sdk.Vault", "SnippetPrelude",
    ];

    /// <summary>Gets the variables a fragment may use without declaring them, by name.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["builder"] = "var builder = WebApplication.CreateBuilder(args);",
        ["services"] = "IServiceCollection services = new ServiceCollection();",
        ["configuration"] = "IConfiguration configuration = new ConfigurationBuilder().Build();",
        ["keyBytes"] = "byte[] keyBytes = new byte[32];",
        ["plaintext"] = "byte[] plaintext = [];",
        ["context"] = "Dictionary<string, string> context = new();",
        ["inputStream"] = "Stream inputStream = Stream.Null;",
        ["outputStream"] = "Stream outputStream = Stream.Null;",
        ["cancellationToken"] = "CancellationToken cancellationToken = default;",
    };

    /// <summary>Gets the types a fragment may use without declaring them (a snippet's own declaration of the same name wins).</summary>
    public static string Types { get; } = """
        namespace SnippetPrelude
        {
            public sealed class DatabaseOptions
            {
                public string Host { get; set; } = "";
                public string Username { get; set; } = "";
                public string Password { get; set; } = "";
            }
        }
        """;
}
