namespace Secrets.Sdk;

/// <summary>Code that completes declared sources of one options type (and, optionally, one name) before they are validated.</summary>
/// <param name="OptionsType">The options type it applies to.</param>
/// <param name="Name">The source's <c>Name</c> it applies to, or <see langword="null"/> for every source of that type.</param>
/// <param name="Apply">Applies the code to options known to be of <paramref name="OptionsType"/>.</param>
internal sealed record DeclaredSourceHook(Type OptionsType, string? Name, Action<SecretSourceOptions> Apply);
