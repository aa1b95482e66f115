using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Secrets.Sdk;

/// <summary>
/// The source types that can be declared in configuration (<c>"Type": "Vault"</c>). The five backend packages' types are
/// known by name without registration (they are found when the application references the package); a third-party
/// package or the application registers its own with <see cref="Register(string, ISecretSourceType, string?)"/>.
/// </summary>
public static class SecretSourceTypes
{
    private const DynamicallyAccessedMemberTypes Constructor = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    private static readonly KnownSourceType[] WellKnown =
    [
        new("MountedFiles", "Secrets.Sdk.Files"),
        new("Vault", "Secrets.Sdk.Vault"),
        new("AwsSecretsManager", "Secrets.Sdk.Aws"),
        new("AzureKeyVault", "Secrets.Sdk.Azure"),
        new("GcpSecretManager", "Secrets.Sdk.Gcp"),
    ];

    private static readonly ConcurrentDictionary<string, (ISecretSourceType Type, string Package)> Registered = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, ISecretSourceType?> Resolved = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Makes <paramref name="sourceType"/> declarable as <c>"Type": "<paramref name="name"/>"</c> in every section read
    /// afterwards (names compare case-insensitively). Register before <c>AddSecretsManager</c> reads the section.
    /// </summary>
    /// <param name="name">The <c>Type</c> value, for example <c>Consul</c>.</param>
    /// <param name="sourceType">Reads the declaration and adds the source.</param>
    /// <param name="package">The package that provides it, named in the error for an unknown <c>Type</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or one of the built-in types.</exception>
    public static void Register(string name, ISecretSourceType sourceType, string? package = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sourceType);
        if (WellKnown.Any(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"'{name}' is a built-in source type; choose another name.", nameof(name));
        }

        Registered[name] = (sourceType, package ?? sourceType.GetType().Assembly.GetName().Name ?? name);
    }

    /// <summary>Gets the known <c>Type</c> names (built-in and registered), each with the package that adds it.</summary>
    /// <returns>Pairs of type name and package name.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> Known() =>
        WellKnown.Select(k => KeyValuePair.Create(k.Name, k.Package))
            .Concat(Registered.OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase).Select(r => KeyValuePair.Create(r.Key, r.Value.Package)))
            .ToArray();

    /// <summary>Finds the type named <paramref name="name"/>.</summary>
    /// <returns>The outcome, or an error text naming the known types (never <paramref name="name"/> itself).</returns>
    internal static ISecretSourceType? Find(string name, out string? error)
    {
        error = null;
        if (Registered.TryGetValue(name, out var registered))
        {
            return registered.Type;
        }

        var known = Array.Find(WellKnown, k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            var names = Known().Select(k => k.Key).ToArray();
            var closest = ClosestName.Find(name, names);
            error = "unknown source type"
                + (closest is null ? "." : $"; did you mean '{closest}'?")
                + $" Known types: {string.Join(", ", Known().Select(k => $"{k.Key} (package {k.Value})"))}.";
            return null;
        }

        var found = Resolved.GetOrAdd(known.Name, static n => Create(Resolve(n)));
        if (found is null)
        {
            error = $"the source type '{known.Name}' is added by the package {known.Package}, which this application does not reference: add it (dotnet add package {known.Package}).";
        }

        return found;
    }

    // Each arm passes a constant string to Type.GetType, which ILLink and ILC resolve at build time: the type and its
    // public parameterless constructor are kept when the package is part of the application, and null comes back when it
    // is not. So the engine references no backend, and no module initializer is needed (CA2255).
    [return: DynamicallyAccessedMembers(Constructor)]
    private static Type? Resolve(string name) => name switch
    {
        "MountedFiles" => Type.GetType("Secrets.Sdk.Files.MountedFilesSourceType, Secrets.Sdk.Files", throwOnError: false),
        "Vault" => Type.GetType("Secrets.Sdk.Vault.VaultSourceType, Secrets.Sdk.Vault", throwOnError: false),
        "AwsSecretsManager" => Type.GetType("Secrets.Sdk.Aws.AwsSecretsManagerSourceType, Secrets.Sdk.Aws", throwOnError: false),
        "AzureKeyVault" => Type.GetType("Secrets.Sdk.Azure.AzureKeyVaultSourceType, Secrets.Sdk.Azure", throwOnError: false),
        "GcpSecretManager" => Type.GetType("Secrets.Sdk.Gcp.GcpSecretManagerSourceType, Secrets.Sdk.Gcp", throwOnError: false),
        _ => null,
    };

    private static ISecretSourceType? Create([DynamicallyAccessedMembers(Constructor)] Type? type) =>
        type is null ? null : (ISecretSourceType?)Activator.CreateInstance(type);
}
