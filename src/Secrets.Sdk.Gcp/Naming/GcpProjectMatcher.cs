namespace Secrets.Sdk.Gcp;

/// <summary>
/// Tells whether a name in a response belongs to the configured project. The configuration may hold the project id
/// (<c>orders-prod</c>) while the service writes the project number (<c>123456789012</c>): the first all-digit project
/// segment seen is remembered as the number, and afterwards a name matches when its project is the id or that number.
/// </summary>
internal sealed class GcpProjectMatcher
{
    private readonly string _project;
    private readonly string? _location;
    private string? _number;

    public GcpProjectMatcher(string project, string? location)
    {
        _project = project;
        _location = location;
        if (project.All(char.IsAsciiDigit))
        {
            _number = project;
        }
    }

    /// <summary>Gets the project number once learned.</summary>
    public string? ProjectNumber => Volatile.Read(ref _number);

    /// <summary>Returns whether <paramref name="name"/> is in the configured project and location.</summary>
    public bool Matches(GcpResourceNames.ParsedName name)
    {
        if (!string.Equals(name.Location, _location, StringComparison.Ordinal))
        {
            return false;
        }

        if (string.Equals(name.Project, _project, StringComparison.Ordinal))
        {
            return true;
        }

        var known = Volatile.Read(ref _number);
        if (known is not null)
        {
            return string.Equals(name.Project, known, StringComparison.Ordinal);
        }

        if (name.Project.Length > 0 && name.Project.All(char.IsAsciiDigit))
        {
            Interlocked.CompareExchange(ref _number, name.Project, null);
            return string.Equals(name.Project, Volatile.Read(ref _number), StringComparison.Ordinal);
        }

        return false;
    }
}
