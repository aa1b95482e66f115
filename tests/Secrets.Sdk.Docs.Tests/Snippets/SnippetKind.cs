namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>How a snippet is compiled (docs/architecture.md, "Docs that compile").</summary>
public enum SnippetKind
{
    /// <summary>A program: top-level statements (and types after them), with the standard prelude.</summary>
    Program,

    /// <summary>Member declarations without bodies (a contract excerpt), compiled inside an interface.</summary>
    InterfaceMembers,

    /// <summary>Type declarations only (for example a test class), compiled as a class library with the standard prelude.</summary>
    Library,
}
