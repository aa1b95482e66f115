using System.Text.RegularExpressions;

namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>Extracts fenced <c>csharp</c> (or <c>cs</c>, <c>c#</c>) blocks from Markdown files.</summary>
internal static partial class MarkdownSnippetReader
{
    /// <summary>The Markdown files whose C# blocks must compile: README.md, each package README and docs/*.md.</summary>
    /// <param name="root">The repository root.</param>
    /// <returns>Paths relative to <paramref name="root"/>, '/'-separated, in a stable order.</returns>
    public static IReadOnlyList<string> DocumentedFiles(string root)
    {
        var files = new List<string> { "README.md" };
        files.AddRange(Directory.GetDirectories(Path.Combine(root, "src"))
            .Select(d => Path.Combine(d, "README.md"))
            .Where(File.Exists)
            .Select(f => Path.GetRelativePath(root, f)));
        files.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.GetRelativePath(root, f)));
        return files.Select(f => f.Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads the C# blocks of one Markdown text.</summary>
    /// <param name="file">The file's name, for locations.</param>
    /// <param name="markdown">Its text.</param>
    /// <returns>The blocks in order.</returns>
    /// <exception cref="FormatException">A C# block is not closed, or a snippet comment names an unknown kind.</exception>
    public static IReadOnlyList<MarkdownSnippet> Read(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<MarkdownSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var fence = open.Groups["fence"].Value;
            var isCSharp = CSharpInfo().IsMatch(open.Groups["info"].Value);
            var end = i + 1;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith(fence, StringComparison.Ordinal))
            {
                end++;
            }

            if (isCSharp)
            {
                if (end == lines.Length)
                {
                    throw new FormatException($"{file}:{i + 1}: the csharp block is never closed.");
                }

                var kind = KindAbove(file, lines, i);
                snippets.Add(new MarkdownSnippet(file, i + 2, string.Join('\n', lines[(i + 1)..end]), kind));
            }

            i = end;
        }

        return snippets;
    }

    private static SnippetKind KindAbove(string file, string[] lines, int fenceLine)
    {
        var above = fenceLine - 1;
        while (above >= 0 && lines[above].Trim().Length == 0)
        {
            above--;
        }

        if (above < 0 || KindComment().Match(lines[above]) is not { Success: true } comment)
        {
            return SnippetKind.Program;
        }

        return comment.Groups["kind"].Value switch
        {
            "interface-members" => SnippetKind.InterfaceMembers,
            "library" => SnippetKind.Library,
            var other => throw new FormatException($"{file}:{above + 1}: unknown snippet kind '{other}' (known: interface-members, library)."),
        };
    }

    [GeneratedRegex(@"^\s*(?<fence>```+|~~~+)\s*(?<info>[^\s`]*)")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^(csharp|cs|c#)$", RegexOptions.IgnoreCase)]
    private static partial Regex CSharpInfo();

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(?<kind>[a-z-]+)\s*-->\s*$")]
    private static partial Regex KindComment();
}
