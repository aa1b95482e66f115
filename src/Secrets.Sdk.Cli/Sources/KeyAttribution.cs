namespace Secrets.Sdk.Cli;

/// <summary>
/// Finds which loaded secret of a source produced a configuration key, to show its version. The engine maps a secret's
/// name to a key (delimiters become <c>:</c>, a prefix may be stripped, a section prepended, JSON flattened below it), so
/// the key holds the tail of the name's segments. The secret whose name shares the longest such tail with the key wins;
/// a tie (or none) attributes nothing rather than guess. A source with one secret attributes every key to it.
/// </summary>
internal static class KeyAttribution
{
    private static readonly string[] Delimiters = ["/", "__", "--", ":"];

    /// <summary>Returns the secret that produced <paramref name="key"/>, or <see langword="null"/> when that is not clear.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="secrets">The source's loaded secrets.</param>
    /// <returns>The secret, or <see langword="null"/>.</returns>
    public static LoadedSecretStatus? Find(string key, IReadOnlyList<LoadedSecretStatus> secrets)
    {
        if (secrets.Count == 1)
        {
            return secrets[0];
        }

        var keySegments = Split(key);
        LoadedSecretStatus? best = null;
        var bestScore = 0;
        var tie = false;
        foreach (var secret in secrets)
        {
            var score = TailMatch(Split(secret.Name), keySegments);
            if (score > bestScore)
            {
                (best, bestScore, tie) = (secret, score, false);
            }
            else if (score == bestScore && score > 0)
            {
                tie = true;
            }
        }

        return tie ? null : best;
    }

    private static string[] Split(string text)
    {
        foreach (var delimiter in Delimiters)
        {
            text = text.Replace(delimiter, "\u0001", StringComparison.Ordinal);
        }

        return text.Split('\u0001', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The longest tail of <paramref name="name"/> found as a contiguous run in <paramref name="key"/> (case-insensitive, as configuration is).</summary>
    private static int TailMatch(string[] name, string[] key)
    {
        for (var length = name.Length; length > 0; length--)
        {
            var tail = name.AsSpan(name.Length - length);
            for (var start = 0; start + length <= key.Length; start++)
            {
                var match = true;
                for (var i = 0; i < length && match; i++)
                {
                    match = string.Equals(tail[i], key[start + i], StringComparison.OrdinalIgnoreCase);
                }

                if (match)
                {
                    return length;
                }
            }
        }

        return 0;
    }
}
