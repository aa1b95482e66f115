namespace Secrets.Sdk;

/// <summary>
/// The secret sources declared in configuration have problems: an unknown <c>Type</c> or setting, a value of the wrong
/// type, a missing required setting, a credential written into the file. All problems of a section are reported
/// together, each with its configuration path; no configured value is ever quoted.
/// </summary>
public sealed class SecretsConfigurationException : Exception
{
    /// <summary>Creates an exception with a generic message and no problems.</summary>
    public SecretsConfigurationException()
        : this("The secret sources declared in configuration are not valid.")
    {
    }

    /// <summary>Creates an exception with a message and no problems.</summary>
    /// <param name="message">The message.</param>
    public SecretsConfigurationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with a message, no problems and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SecretsConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Creates an exception listing <paramref name="problems"/>.</summary>
    /// <param name="sectionPath">The path of the declaring section (for example <c>SecretsManager</c>).</param>
    /// <param name="problems">The problems found.</param>
    public SecretsConfigurationException(string sectionPath, IReadOnlyList<SecretsConfigurationProblem> problems)
        : base(Format(sectionPath, problems))
    {
        Problems = problems;
    }

    /// <summary>Gets every problem found: problems with values first, in the order of the file, then unknown settings.</summary>
    public IReadOnlyList<SecretsConfigurationProblem> Problems { get; }

    private static string Format(string sectionPath, IReadOnlyList<SecretsConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(sectionPath);
        ArgumentNullException.ThrowIfNull(problems);
        var where = sectionPath.Length == 0 ? "configuration" : $"configuration section '{sectionPath}'";
        var count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
        return $"The secret sources declared in {where} have {count}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems.Select(p => $"  - {p}"));
    }
}
