namespace Secrets.Sdk;

/// <summary>Finds the known name closest to a misspelt one (case-insensitive edit distance).</summary>
internal static class ClosestName
{
    /// <summary>Returns the candidate nearest to <paramref name="name"/>, or <see langword="null"/> when none is close.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Close means a few edits relative to the length: "Pth" → "Path", "RefreshIntervall" → "RefreshInterval".
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
