namespace Secrets.Sdk.Cli;

/// <summary>One entry of the declared <c>Sources</c> list.</summary>
/// <param name="Index">Its position in the list.</param>
/// <param name="Type">Its <c>Type</c>, e.g. <c>Vault</c>.</param>
/// <param name="Path">Its configuration path, e.g. <c>SecretsManager:Sources:1</c>.</param>
/// <param name="Name">Its <c>Name</c> setting, if any.</param>
internal sealed record SourceDeclaration(int Index, string Type, string Path, string? Name)
{
    /// <summary>Gets how the CLI names the declaration: its <c>Name</c>, else <c>Type</c> and position.</summary>
    public string Label => Name ?? $"{Type} #{Index}";
}
