using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>
/// Turns a declared secrets section (builder settings and a <c>Sources</c> list) into sources of a
/// <see cref="SecretsManagerBuilder"/>, collecting every problem of the section into one
/// <see cref="SecretsConfigurationException"/>.
/// </summary>
internal static partial class DeclaredSources
{
    private const string SourcesKey = "Sources";
    private const string TypeKey = "Type";

    /// <summary>
    /// Reads <paramref name="section"/> into <paramref name="builder"/>: its builder settings first, then
    /// <paramref name="configure"/> (code, which may override them and add sources and hooks), then the declared sources,
    /// placed before the sources the code added (so, for one key, a code source wins over a declared one). Nothing is
    /// added when the section has a problem.
    /// </summary>
    public static void Read(SecretsManagerBuilder builder, IConfiguration section, Action<SecretsManagerBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var path = section is IConfigurationSection named ? named.Path : string.Empty;
        var context = new DeclarationContext(builder.DeclaredSourceHooks);
        var root = new DeclaredSection(section, path, context);
        var exists = section is not IConfigurationSection s || s.Value is not null || s.GetChildren().Any();
        if (!exists)
        {
            context.Add(path, "the section is missing or empty: declare the sources under it (a \"Sources\" list), or check its name.");
        }

        ApplyBuilderSettings(builder, root);
        var firstCodeSource = builder.Count;
        configure?.Invoke(builder);

        var declared = new SecretsManagerBuilder { TimeProvider = builder.TimeProvider, LoggerFactory = builder.LoggerFactory };
        var entries = exists ? root.GetSections(SourcesKey) : [];
        foreach (var entry in entries)
        {
            AddSource(declared, entry);
        }

        context.ReportUnknownSettings();
        if (exists && entries.Count == 0 && configure is null && !root.Contains(SourcesKey))
        {
            root.AddProblem(SourcesKey, "no sources are declared: add a \"Sources\" list with at least one entry that has a \"Type\".");
        }

        if (context.Problems.Count > 0)
        {
            throw new SecretsConfigurationException(path, [.. context.Problems]);
        }

        builder.InsertSources(firstCodeSource, declared);
    }

    private static void ApplyBuilderSettings(SecretsManagerBuilder builder, DeclaredSection root)
    {
        Set(root, nameof(builder.StartupTimeout), root.GetTimeSpan(nameof(builder.StartupTimeout)), v => builder.StartupTimeout = v);
        Set(root, nameof(builder.OptionalSourceWait), root.GetTimeSpan(nameof(builder.OptionalSourceWait)), v => builder.OptionalSourceWait = v);
        Set(root, nameof(builder.ShutdownTimeout), root.GetTimeSpan(nameof(builder.ShutdownTimeout)), v => builder.ShutdownTimeout = v);
        DeclaredLastKnownGoodCache.Apply(builder, root);
    }

    private static void Set(DeclaredSection root, string name, TimeSpan? value, Action<TimeSpan> set)
    {
        if (value is not { } given)
        {
            return;
        }

        try
        {
            set(given);
        }
        catch (ArgumentOutOfRangeException)
        {
            root.AddProblem(name, name == nameof(SecretsManagerBuilder.OptionalSourceWait) ? "must not be negative." : "must be positive.");
        }
    }

    private static void AddSource(SecretsManagerBuilder declared, DeclaredSection entry)
    {
        if (entry.GetRequiredString(TypeKey) is not { } typeName)
        {
            entry.IgnoreSettings([.. entry.ConfiguredKeys()]);
            return;
        }

        if (SecretSourceTypes.Find(typeName, out var error) is not { } sourceType)
        {
            entry.AddProblem(TypeKey, error!);
            entry.IgnoreSettings([.. entry.ConfiguredKeys()]);
            return;
        }

        var before = entry.ProblemCount;
        try
        {
            sourceType.AddSource(declared, entry);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // A problem the reader already recorded usually causes the options' own validation to fail too: report it once.
            if (entry.ProblemCount == before)
            {
                var setting = ex is ArgumentException { ParamName: { Length: > 0 } name } && entry.ConfiguredKeys().Contains(name, StringComparer.OrdinalIgnoreCase) ? name : null;
                entry.AddProblem(setting, WithoutValues(ex.Message));
            }
        }
    }

    /// <summary>
    /// Removes what an options validation message may quote from the configuration: quoted text, "it was X" and
    /// "(was X)" tails, numbers in parentheses, and the parameter-name suffix .NET appends.
    /// </summary>
    internal static string WithoutValues(string message)
    {
        var text = ParameterSuffix().Replace(message, string.Empty);
        text = Quoted().Replace(text, "(value not shown)");
        text = ItWas().Replace(text, ".");
        text = WasInParentheses().Replace(text, string.Empty);
        text = NumberInParentheses().Replace(text, string.Empty);
        return text.Trim();
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)\s*$")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@";\s*it was\b.*$", RegexOptions.Singleline)]
    private static partial Regex ItWas();

    [GeneratedRegex(@"\s*\(was [^)]*\)")]
    private static partial Regex WasInParentheses();

    [GeneratedRegex(@"\s*\(-?\d[^)]*\)")]
    private static partial Regex NumberInParentheses();
}
