namespace Secrets.Sdk;

/// <summary>
/// Finds the one source a name picks: by <see cref="SecretSourceStatus.Name"/>, or, when several sources share that name
/// (one <c>AddVault</c> call adds a source per KV path and one for its dynamic secrets, all with its <c>Name</c>), by
/// <see cref="SecretSourceStatus.StoreName"/>.
/// </summary>
internal static class SourceNames
{
    /// <summary>Returns the index of the source <paramref name="name"/> picks, or an error message naming the candidates.</summary>
    public static (int Index, string? Error) Find(string name, IReadOnlyList<(string Name, string StoreName)> sources)
    {
        var byName = Matches(name, sources, s => s.Name);
        if (byName.Length == 1)
        {
            return (byName[0], null);
        }

        var byStore = Matches(name, sources, s => s.StoreName);
        if (byStore.Length == 1)
        {
            return (byStore[0], null);
        }

        if (byName.Length > 1)
        {
            var stores = string.Join(", ", byName.Select(i => $"'{sources[i].StoreName}'"));
            return (-1, $"{byName.Length} secret sources are named '{name}' (stores {stores}); pass one of those store names, or give the sources distinct names with {nameof(SecretSourceOptions)}.{nameof(SecretSourceOptions.Name)}.");
        }

        var known = sources.Count == 0 ? "none" : string.Join(", ", sources.Select(s => $"'{s.Name}' (store '{s.StoreName}')"));
        return (-1, $"There is no secret source named '{name}'. Sources: {known}.");
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> picks exactly one source.</summary>
    public static void RequireOne(string name, IReadOnlyList<(string Name, string StoreName)> sources)
    {
        if (Find(name, sources).Error is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }
    }

    private static int[] Matches(string name, IReadOnlyList<(string Name, string StoreName)> sources, Func<(string Name, string StoreName), string> key) =>
        Enumerable.Range(0, sources.Count).Where(i => string.Equals(key(sources[i]), name, StringComparison.Ordinal)).ToArray();
}
