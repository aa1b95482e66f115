using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>Compiles snippets in memory against every assembly the test host loads (the Secrets.Sdk libraries, their dependencies, the shared frameworks).</summary>
internal static partial class SnippetCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList());

    private static readonly SyntaxTree PreludeTree = CSharpSyntaxTree.ParseText(
        string.Concat(SnippetPrelude.Usings.Select(u => $"global using {u};\n")) + SnippetPrelude.Types,
        ParseOptions,
        path: "prelude.cs");

    /// <summary>Compiles <paramref name="snippet"/> and returns its errors as <c>file:line: CSxxxx message</c>, none when it compiles.</summary>
    /// <param name="snippet">The snippet.</param>
    /// <returns>The errors.</returns>
    public static IReadOnlyList<string> Compile(MarkdownSnippet snippet)
    {
        var declared = new List<string>();
        while (true)
        {
            var errors = Diagnose(snippet, declared);
            // A name the snippet uses without declaring it, and that the prelude offers: declare it and compile again.
            var missing = errors
                .Where(d => d.Id == "CS0103")
                .Select(d => UndeclaredName().Match(d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Groups["name"].Value)
                .Where(name => SnippetPrelude.Variables.ContainsKey(name) && !declared.Contains(name))
                .Distinct()
                .ToList();
            if (missing.Count == 0)
            {
                return errors.Select(Format).ToList();
            }

            declared.AddRange(missing);
        }
    }

    private static List<Diagnostic> Diagnose(MarkdownSnippet snippet, IReadOnlyList<string> declared)
    {
        var tree = CSharpSyntaxTree.ParseText(Source(snippet, declared), ParseOptions, path: snippet.File);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [PreludeTree, tree],
            References.Value,
            new CSharpCompilationOptions(
                snippet.Kind == SnippetKind.Program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    /// <summary>
    /// The snippet's text with <c>#line</c> directives, so errors name the Markdown file and line: its leading using
    /// directives, then the prelude variables it needs, then the rest.
    /// </summary>
    private static string Source(MarkdownSnippet snippet, IReadOnlyList<string> declared)
    {
        var lines = snippet.Code.Split('\n');
        var file = snippet.File.Replace("\"", "\\\"", StringComparison.Ordinal);
        var source = new StringBuilder();
        if (snippet.Kind == SnippetKind.InterfaceMembers)
        {
            source.Append("public interface ISnippetMembers\n{\n");
            source.Append($"#line {snippet.FirstLine} \"{file}\"\n").Append(snippet.Code).Append("\n#line default\n}\n");
            return source.ToString();
        }

        var directives = 0;
        while (directives < lines.Length && (UsingDirective().IsMatch(lines[directives]) || lines[directives].Trim().Length == 0 || lines[directives].TrimStart().StartsWith("//", StringComparison.Ordinal)))
        {
            directives++;
        }

        source.Append($"#line {snippet.FirstLine} \"{file}\"\n");
        source.AppendJoin('\n', lines[..directives]).Append('\n');
        source.Append("#line hidden\n");
        foreach (var name in declared)
        {
            source.Append(SnippetPrelude.Variables[name]).Append('\n');
        }

        source.Append($"#line {snippet.FirstLine + directives} \"{file}\"\n");
        source.AppendJoin('\n', lines[directives..]).Append('\n');
        return source.ToString();
    }

    private static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}: {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"The name '(?<name>\w+)' does not exist")]
    private static partial Regex UndeclaredName();
}
