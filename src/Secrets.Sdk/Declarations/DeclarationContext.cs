namespace Secrets.Sdk;

/// <summary>
/// State shared by every <see cref="DeclaredSection"/> of one read: the problems found so far, the sections created
/// (checked for unknown settings at the end), and the code hooks that complete declared sources.
/// </summary>
internal sealed class DeclarationContext
{
    private readonly List<SecretsConfigurationProblem> _problems = [];
    private readonly List<DeclaredSection> _sections = [];

    public DeclarationContext(IReadOnlyList<DeclaredSourceHook> hooks) => Hooks = hooks;

    public IReadOnlyList<DeclaredSourceHook> Hooks { get; }

    public IReadOnlyList<SecretsConfigurationProblem> Problems => _problems;

    public void Add(string path, string message) => _problems.Add(new SecretsConfigurationProblem(path, message));

    public void Track(DeclaredSection section) => _sections.Add(section);

    /// <summary>Reports every setting no reader asked for, naming the closest known one.</summary>
    public void ReportUnknownSettings()
    {
        foreach (var section in _sections)
        {
            section.ReportUnknownSettings();
        }

        _sections.Clear();
    }
}
