using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>The configuration source added by <c>AddSecretsManager</c>; builds one provider for all its secret sources.</summary>
internal sealed class SecretsConfigurationSource(SecretsManagerBuilder builder) : IConfigurationSource
{
    public SecretsManagerBuilder Builder { get; } = builder;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SecretsConfigurationProvider(Builder);
}
