namespace Secrets.Sdk;

/// <summary>Checks that a source name picks exactly one source.</summary>
internal static class SourceNames
{
    /// <summary>Throws unless exactly one of <paramref name="names"/> equals <paramref name="sourceName"/> (ordinal).</summary>
    public static void RequireOne(string sourceName, IEnumerable<string> names)
    {
        var all = names.ToArray();
        var matches = all.Count(n => string.Equals(n, sourceName, StringComparison.Ordinal));
        if (matches == 1)
        {
            return;
        }

        var known = all.Length == 0 ? "none" : string.Join(", ", all.Distinct(StringComparer.Ordinal).Select(n => $"'{n}'"));
        throw new ArgumentException(
            matches == 0
                ? $"There is no secret source named '{sourceName}'. Sources: {known}."
                : $"{matches} secret sources are named '{sourceName}'; give them distinct names with {nameof(SecretSourceOptions)}.{nameof(SecretSourceOptions.Name)}.",
            nameof(sourceName));
    }
}
