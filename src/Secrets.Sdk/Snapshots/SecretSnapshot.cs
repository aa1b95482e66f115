namespace Secrets.Sdk;

/// <summary>
/// An immutable set of configuration entries. Reads never lock; a refresh builds a new snapshot and swaps the reference.
/// The dictionary is never mutated after construction (so concurrent reads are safe), and it is a plain
/// <see cref="Dictionary{TKey,TValue}"/> on purpose: measured faster than FrozenDictionary for ignore-case lookups of
/// configuration keys, and cheaper to build on every change (see benchmarks/README.md).
/// </summary>
internal sealed class SecretSnapshot
{
    public static readonly SecretSnapshot Empty = new(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase));

    private SecretSnapshot(Dictionary<string, string?> values) => Values = values;

    /// <summary>Gets the entries. Never mutate: snapshots are shared by concurrent readers.</summary>
    public Dictionary<string, string?> Values { get; }

    /// <summary>Creates a snapshot that takes ownership of <paramref name="values"/> (case-insensitive comparer required).</summary>
    public static SecretSnapshot Own(Dictionary<string, string?> values) => new(values);

    /// <summary>Returns the keys whose presence or value differs between two snapshots, sorted.</summary>
    public static IReadOnlyList<string> Diff(SecretSnapshot before, SecretSnapshot after)
    {
        var changed = new List<string>();
        foreach (var (key, value) in after.Values)
        {
            if (!before.Values.TryGetValue(key, out var old) || !string.Equals(old, value, StringComparison.Ordinal))
            {
                changed.Add(key);
            }
        }

        foreach (var key in before.Values.Keys)
        {
            if (!after.Values.ContainsKey(key))
            {
                changed.Add(key);
            }
        }

        changed.Sort(StringComparer.OrdinalIgnoreCase);
        return changed;
    }
}
