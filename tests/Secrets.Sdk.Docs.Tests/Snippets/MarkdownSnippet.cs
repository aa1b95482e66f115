namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>One fenced <c>csharp</c> block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with '/' separators.</param>
/// <param name="FirstLine">The 1-based line of the block's first code line.</param>
/// <param name="Code">The code between the fences.</param>
/// <param name="Kind">How the block is compiled, from a <c>&lt;!-- snippet: KIND --&gt;</c> comment right above it.</param>
public sealed record MarkdownSnippet(string File, int FirstLine, string Code, SnippetKind Kind)
{
    /// <summary>Returns <c>file:line</c>, the name a failing test shows.</summary>
    /// <returns>The location.</returns>
    public override string ToString() => $"{File}:{FirstLine}";
}
