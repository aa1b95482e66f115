using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Aws.Tests;

internal sealed class AwsFixture : IAsyncDisposable
{
    public ManualTimeProvider Time { get; } = new();

    public AwsEmulator Aws { get; private set; } = null!;

    public static async Task<AwsFixture> StartAsync()
    {
        var fixture = new AwsFixture();
        fixture.Aws = new AwsEmulator(fixture.Time);
        await fixture.Aws.StartAsync();
        return fixture;
    }

    public IConfigurationRoot Build(Action<AwsSecretsManagerSourceOptions> configure) =>
        new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddAwsSecretsManager(o => Configure(o, configure));
        }).Build();

    public IHost BuildHost(Action<AwsSecretsManagerSourceOptions> configure, Action<IHostApplicationBuilder> more)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddAwsSecretsManager(o => Configure(o, configure));
        });
        more(builder);
        return builder.Build();
    }

    public ValueTask DisposeAsync() => Aws.DisposeAsync();

    private void Configure(AwsSecretsManagerSourceOptions o, Action<AwsSecretsManagerSourceOptions> configure)
    {
        o.Region = "us-east-1";
        o.ServiceUrl = Aws.Address;
        o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
        o.RefreshInterval = null;
        o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        o.Resilience.CircuitBreakerEnabled = false;
        configure(o);
    }
}
