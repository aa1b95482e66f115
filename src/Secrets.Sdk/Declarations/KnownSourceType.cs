namespace Secrets.Sdk;

/// <summary>A source <c>Type</c> the engine knows by name, added by one of the backend packages.</summary>
/// <param name="Name">The <c>Type</c> value.</param>
/// <param name="Package">The package that adds it.</param>
internal sealed record KnownSourceType(string Name, string Package);
