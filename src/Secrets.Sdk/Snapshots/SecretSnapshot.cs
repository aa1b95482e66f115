using System.Collections.Frozen;

namespace Secrets.Sdk;

/// <summary>An immutable set of configuration entries. Reads never lock; a refresh builds a new snapshot and swaps the reference.</summary>
internal sealed class SecretSnapshot
{
    public static readonly SecretSnapshot Empty = new(FrozenDictionary<string, string?>.Empty.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));

    public SecretSnapshot(FrozenDictionary<string, string?> values) => Values = values;

    public FrozenDictionary<string, string?> Values { get; }

    public static SecretSnapshot Create(IEnumerable<KeyValuePair<string, string?>> entries) =>
        new(entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));

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
