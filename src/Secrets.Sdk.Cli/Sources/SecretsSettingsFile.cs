using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk.Cli;

/// <summary>
/// An <c>appsettings.json</c> with a section that declares secret sources: read once, validated as the application would
/// validate it (every problem with its JSON path), and split into one configuration per declared source so each can be
/// loaded and judged on its own.
/// </summary>
internal sealed class SecretsSettingsFile
{
    private const string SourcesKey = "Sources";

    private SecretsSettingsFile(string path, IConfigurationSection section, IReadOnlyList<SourceDeclaration> sources)
    {
        FilePath = path;
        Section = section;
        Sources = sources;
    }

    /// <summary>Gets the file's path as given.</summary>
    public string FilePath { get; }

    /// <summary>Gets the declaring section.</summary>
    public IConfigurationSection Section { get; }

    /// <summary>Gets the declared sources in order.</summary>
    public IReadOnlyList<SourceDeclaration> Sources { get; }

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="sectionName">The section that declares the sources.</param>
    /// <returns>The file.</returns>
    /// <exception cref="CliException">The file is missing or not JSON, the section is missing, or a declaration has problems (all named by path).</exception>
    public static SecretsSettingsFile Read(string path, string sectionName)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CliException($"configuration file '{path}' does not exist");
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // The JSON reader's message names a line and position; it quotes no value.
            throw new CliException($"configuration file '{path}' cannot be read: {exception.Message}", ExitCodes.Failure, exception);
        }

        var section = root.GetSection(sectionName);
        if (!section.GetChildren().Any())
        {
            throw new CliException($"configuration file '{path}' has no section '{sectionName}' (pass --section NAME)");
        }

        try
        {
            // Validation only: this reads every declaration (and reports every problem) without loading anything.
            new SecretsManagerBuilder().AddDeclaredSources(section);
        }
        catch (SecretsConfigurationException exception)
        {
            var problems = string.Join("; ", exception.Problems.Select(p => p.ToString()));
            throw new CliException($"configuration file '{path}': {problems}", ExitCodes.Failure, exception);
        }

        var sources = section.GetSection(SourcesKey).GetChildren()
            .Select((entry, index) => new SourceDeclaration(index, entry["Type"] ?? "?", entry.Path, entry["Name"]))
            .ToArray();
        return new SecretsSettingsFile(path, section, sources);
    }

    /// <summary>
    /// Returns a configuration holding the section's builder settings and only source <paramref name="index"/> (as the
    /// list's single entry), under the same section name.
    /// </summary>
    /// <param name="index">The declared source's index.</param>
    /// <returns>The section of the new configuration.</returns>
    public IConfigurationSection SectionWithOnly(int index)
    {
        var own = $"{SourcesKey}:{index}:";
        var entries = new List<KeyValuePair<string, string?>>();
        foreach (var (key, value) in Section.AsEnumerable(makePathsRelative: true))
        {
            if (key.StartsWith(own, StringComparison.OrdinalIgnoreCase))
            {
                entries.Add(new($"{Section.Key}:{SourcesKey}:0:{key[own.Length..]}", value));
            }
            else if (!key.StartsWith(SourcesKey, StringComparison.OrdinalIgnoreCase))
            {
                entries.Add(new($"{Section.Key}:{key}", value));
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(entries).Build().GetSection(Section.Key);
    }
}
