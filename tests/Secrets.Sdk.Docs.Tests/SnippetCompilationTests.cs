using Secrets.Sdk.Docs.Tests.Snippets;

namespace Secrets.Sdk.Docs.Tests;

/// <summary>Every C# block in README.md, the package READMEs and docs/*.md compiles against the libraries.</summary>
public sealed class SnippetCompilationTests
{
    /// <summary>Gets every snippet, named <c>file:line</c>.</summary>
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in AllSnippets())
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_Compiles(string location)
    {
        var snippet = AllSnippets().Single(s => s.ToString() == location);

        var errors = SnippetCompiler.Compile(snippet);

        Assert.True(errors.Count == 0, $"The C# block at {location} does not compile:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void EveryPackageReadme_HasACompilingSnippet()
    {
        var packages = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileName(Path.GetDirectoryName(p))!)
            .ToList();

        Assert.NotEmpty(packages);
        foreach (var package in packages)
        {
            Assert.Contains(AllSnippets(), s => s.File == $"src/{package}/README.md");
        }
    }

    [Fact]
    public void SnippetWithAnError_FailsNamingMarkdownFileAndLine()
    {
        var snippet = new MarkdownSnippet("README.md", 57, "var encryptor = new EnvelopeEncryptor(new LocalKeyEncryptionKey(keyBytes, keyId: \"k:v1\"));\nbyte[] sealed = await encryptor.EncryptAsync(plaintext, context);", SnippetKind.Program);

        var errors = SnippetCompiler.Compile(snippet);

        Assert.NotEmpty(errors);
        Assert.StartsWith("README.md:58: ", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Fragment_UsesPreludeVariablesWithoutDeclaringThem()
    {
        var snippet = new MarkdownSnippet("docs/example.md", 10, "using var kek = new LocalKeyEncryptionKey(keyBytes, keyId: \"k:v1\");\nawait new EnvelopeEncryptor(kek).EncryptAsync(inputStream, outputStream, context, cancellationToken);", SnippetKind.Program);

        Assert.Empty(SnippetCompiler.Compile(snippet));
    }

    [Fact]
    public void UnknownName_IsAnError()
    {
        var snippet = new MarkdownSnippet("docs/example.md", 3, "Console.WriteLine(notDeclaredAnywhere);", SnippetKind.Program);

        var errors = SnippetCompiler.Compile(snippet);

        Assert.Contains(errors, e => e.StartsWith("docs/example.md:3: CS0103", StringComparison.Ordinal));
    }

    [Fact]
    public void InterfaceMembers_CompileAsAContract()
    {
        var markdown = "Text.\n\n<!-- snippet: interface-members -->\n```csharp\nValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, CancellationToken cancellationToken);\n```\n";

        var snippet = Assert.Single(MarkdownSnippetReader.Read("docs/x.md", markdown));

        Assert.Equal(SnippetKind.InterfaceMembers, snippet.Kind);
        Assert.Equal(5, snippet.FirstLine);
        Assert.Empty(SnippetCompiler.Compile(snippet));
    }

    [Fact]
    public void Library_CompilesTypesWithoutTopLevelStatements()
    {
        var markdown = "Text.\n\n<!-- snippet: library -->\n```csharp\npublic sealed class OrdersTests\n{\n    [Xunit.Fact]\n    public void Loads() => Xunit.Assert.Equal(4, 2 + 2);\n}\n```\n";

        var snippet = Assert.Single(MarkdownSnippetReader.Read("docs/x.md", markdown));

        Assert.Equal(SnippetKind.Library, snippet.Kind);
        Assert.Empty(SnippetCompiler.Compile(snippet));
        Assert.Contains(SnippetCompiler.Compile(snippet with { Kind = SnippetKind.Program }), e => e.Contains("CS5001", StringComparison.Ordinal));
    }

    [Fact]
    public void Reader_TakesOnlyCSharpBlocks()
    {
        var markdown = "```sh\ndotnet test\n```\n\n```csharp\nvar a = 1;\n```\n\n````text\n```csharp\nnot code\n```\n````\n";

        var snippet = Assert.Single(MarkdownSnippetReader.Read("README.md", markdown));

        Assert.Equal("var a = 1;", snippet.Code);
        Assert.Equal(6, snippet.FirstLine);
    }

    [Fact]
    public void Reader_UnclosedBlock_NamesFileAndLine()
    {
        var error = Assert.Throws<FormatException>(() => MarkdownSnippetReader.Read("docs/a.md", "x\n```csharp\nvar a = 1;\n"));

        Assert.Contains("docs/a.md:2", error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<MarkdownSnippet> AllSnippets() =>
        MarkdownSnippetReader.DocumentedFiles(RepositoryRoot.Path)
            .SelectMany(f => MarkdownSnippetReader.Read(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f))))
            .ToList();
}
