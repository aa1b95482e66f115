namespace Secrets.Sdk;

/// <summary>How to obtain one source's store, and the options it was added with.</summary>
/// <param name="Factory">Creates the store for one provider.</param>
/// <param name="Options">The source's options.</param>
/// <param name="OwnsStore">Whether the provider disposes the store (true for stores it created through a factory).</param>
internal sealed record SecretSourceRegistration(Func<SecretStoreContext, ISecretStore> Factory, SecretSourceOptions Options, bool OwnsStore);
