using System.CommandLine;

namespace Secrets.Sdk.Cli;

/// <summary>Options shared by several verbs, and their parsing into values the commands use.</summary>
internal static class CliOptions
{
    /// <summary>Creates <c>--kek URI</c>, repeatable (the first wraps, all unwrap).</summary>
    /// <returns>The option.</returns>
    public static Option<string[]> Kek() => new("--kek")
    {
        Description = "A key-encryption key URI: local:PATH, vault-transit:MOUNT/KEY, aws-kms:ARN, azure-kv:https://VAULT/keys/NAME, gcp-kms:projects/P/locations/L/keyRings/R/cryptoKeys/K. Repeat for a key ring: the first wraps, any one unwraps.",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        HelpName = "URI",
    };

    /// <summary>Creates <c>--context KEY=VALUE</c>, repeatable.</summary>
    /// <returns>The option.</returns>
    public static Option<string[]> Context() => new("--context")
    {
        Description = "An encryption-context entry bound to the message (stored in its header, not secret); repeat for more. Decrypt needs the same set.",
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "KEY=VALUE",
    };

    /// <summary>Creates <c>--in FILE</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<string> In() => new("--in")
    {
        Description = "The input file; - for standard input.",
        Required = true,
        HelpName = "FILE",
    };

    /// <summary>Creates <c>--out FILE</c>.</summary>
    /// <param name="description">What is written.</param>
    /// <returns>The option.</returns>
    public static Option<string> Out(string description) => new("--out")
    {
        Description = description,
        Required = true,
        HelpName = "FILE",
    };

    /// <summary>Creates <c>--config APPSETTINGS</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<string> Config() => new("--config")
    {
        Description = "The JSON configuration file that declares the sources (e.g. appsettings.json).",
        Required = true,
        HelpName = "APPSETTINGS",
    };

    /// <summary>Creates <c>--section NAME</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<string> Section() => new("--section")
    {
        Description = "The configuration section that declares the sources.",
        DefaultValueFactory = _ => "SecretsManager",
        HelpName = "NAME",
    };

    /// <summary>Parses <c>KEY=VALUE</c> entries into an encryption context.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The context.</returns>
    /// <exception cref="CliException">An entry has no <c>=</c> or an empty key, or a key repeats.</exception>
    public static Dictionary<string, string> ParseContext(IEnumerable<string>? entries)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"--context '{entry}' is not KEY=VALUE", ExitCodes.Usage);
            }

            var key = entry[..equals];
            if (!context.TryAdd(key, entry[(equals + 1)..]))
            {
                throw new CliException($"--context key '{key}' is given twice", ExitCodes.Usage);
            }
        }

        return context;
    }
}
