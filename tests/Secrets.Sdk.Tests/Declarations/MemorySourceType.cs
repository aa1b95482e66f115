using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Tests.Declarations;

/// <summary>
/// A third-party source type for the tests: <c>"Type": "TestMemory"</c> with a <c>Values</c> object, served by an
/// <see cref="InMemorySecretStore"/>. The options it built are kept so tests can check what the file set.
/// </summary>
internal sealed class MemorySourceType : ISecretSourceType
{
    public const string Name = "TestMemory";

    public static readonly MemorySourceType Instance = new();

    private static readonly AsyncLocal<List<SecretSourceOptions>?> Captured = new();

    public static List<SecretSourceOptions> Capture() => Captured.Value = [];

    public static void Register() => SecretSourceTypes.Register(Name, Instance, "Tests.MemorySource");

    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        var options = new SecretSourceOptions();
        declaration.ApplyTo(options);
        var store = new InMemorySecretStore(options.Name ?? "memory");
        foreach (var (name, value) in declaration.GetStringMap("Values"))
        {
            store.Set(name, value);
        }

        declaration.Customize(options);
        Captured.Value?.Add(options);
        builder.AddStore(store, options);
    }
}
