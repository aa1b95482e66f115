using System.Text.RegularExpressions;
using Secrets.Sdk.Docs.Tests.Snippets;

namespace Secrets.Sdk.Docs.Tests;

/// <summary>The docs cite only files that are in the repository.</summary>
public sealed partial class CitedFilesTests
{
    [Fact]
    public void Docs_CiteOnlyFilesInTheRepository()
    {
        var root = RepositoryRoot.Path;
        var missing = new List<string>();
        foreach (var file in MarkdownSnippetReader.DocumentedFiles(root))
        {
            var lines = File.ReadAllLines(Path.Combine(root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var path in CitedPaths(lines[i]).Where(p => !Exists(root, Path.GetDirectoryName(Path.Combine(root, file))!, p)))
                {
                    missing.Add($"{file}:{i + 1}: {path}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Cited files that are not in the repository:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void CitedPaths_FindsCodeSpansAndLinks()
    {
        var paths = CitedPaths("See `src/A/B.cs`, [the format](envelope-format.md), `Format/HeaderCodec.cs`, `AddVault` and [site](https://example.org/x.md).").ToList();

        Assert.Equal(["src/A/B.cs", "Format/HeaderCodec.cs", "envelope-format.md"], paths);
    }

    /// <summary>Code spans and link targets that name a file (by extension) or a top-level folder of the repository.</summary>
    private static IEnumerable<string> CitedPaths(string line)
    {
        foreach (Match match in CodeSpan().Matches(line))
        {
            var text = match.Groups["text"].Value;
            if (LooksLikePath().IsMatch(text))
            {
                yield return text;
            }
        }

        foreach (Match match in Link().Matches(line))
        {
            var target = match.Groups["target"].Value.Split('#')[0];
            if (target.Length > 0 && !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                yield return target;
            }
        }
    }

    /// <summary>
    /// Whether a cited path exists: from the citing file's folder, the repository root, or a project folder (docs cite
    /// files inside a package as <c>Format/HeaderCodec.cs</c>). A <c>*</c> matches within one path segment.
    /// </summary>
    private static bool Exists(string root, string citingFolder, string path)
    {
        var bases = new[] { citingFolder, root }
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")))
            .Concat(Directory.GetDirectories(Path.Combine(root, "tests")))
            .Concat(Directory.GetDirectories(Path.Combine(root, "benchmarks")))
            .Concat(Directory.GetDirectories(Path.Combine(root, "samples")));
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return bases.Any(folder => Matches(folder, segments));
    }

    /// <summary>Whether <paramref name="segments"/> name an entry under <paramref name="folder"/>; a segment may hold <c>*</c> (or be <c>..</c>).</summary>
    private static bool Matches(string folder, ReadOnlySpan<string> segments)
    {
        if (segments.IsEmpty)
        {
            return File.Exists(folder) || Directory.Exists(folder);
        }

        if (!Directory.Exists(folder))
        {
            return false;
        }

        var segment = segments[0];
        if (!segment.Contains('*', StringComparison.Ordinal))
        {
            return Matches(Path.Combine(folder, segment), segments[1..]);
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, segment))
        {
            if (Matches(entry, segments[1..]))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"`(?<text>[^`\s]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^(\.ci|src|tests|docs|samples|benchmarks|eng)/|^[\w.*/-]+\.(cs|csproj|md|json|props|targets|sln|sh)$")]
    private static partial Regex LooksLikePath();
}
