using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>
/// The configuration source added by <c>AddSecretsManager</c>. Each <see cref="Build"/> (and <c>ConfigurationManager</c>
/// calls it again whenever its sources change) creates a provider that owns its own stores; the
/// <see cref="Hub"/> is shared by all of them.
/// </summary>
internal sealed class SecretsConfigurationSource(SecretsManagerBuilder builder) : IConfigurationSource
{
    public SecretsManagerBuilder Builder { get; } = builder;

    public SecretsManagerHub Hub { get; } = new(builder.LoggerFactory);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SecretsConfigurationProvider(Builder, Hub);
}
