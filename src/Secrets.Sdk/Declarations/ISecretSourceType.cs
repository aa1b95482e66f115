namespace Secrets.Sdk;

/// <summary>
/// A kind of secret source that can be declared in configuration, named by an entry's <c>Type</c>
/// (<c>"Type": "Vault"</c>). The backend packages implement one each; a third-party source type is made known with
/// <see cref="SecretSourceTypes.Register(string, ISecretSourceType, string?)"/>.
/// </summary>
public interface ISecretSourceType
{
    /// <summary>
    /// Reads one declared source and adds it to <paramref name="builder"/>. Every setting is read through
    /// <paramref name="declaration"/>, which records each problem with its configuration path (a setting that is never
    /// read is reported as unknown); throwing <see cref="ArgumentException"/> reports a problem of the entry as a whole.
    /// </summary>
    /// <param name="builder">The builder to add the source to.</param>
    /// <param name="declaration">The source's entry in the <c>Sources</c> list.</param>
    void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration);
}
