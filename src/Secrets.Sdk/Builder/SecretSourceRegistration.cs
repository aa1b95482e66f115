namespace Secrets.Sdk;

/// <summary>A store and the options it was added with.</summary>
/// <param name="Store">The store.</param>
/// <param name="Options">The source's options.</param>
public sealed record SecretSourceRegistration(ISecretStore Store, SecretSourceOptions Options)
{
    /// <summary>Gets the source's display name: <see cref="SecretSourceOptions.Name"/> or the store's name.</summary>
    public string Name => Options.Name ?? Store.Name;
}
