using Amazon.Runtime;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>AWS Secrets Manager: discovery by name prefix, batch reads, rotations as new AWSCURRENT versions.</summary>
internal sealed class AwsChaosBackend : EmulatorChaosBackend
{
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private AwsEmulator _aws = null!;

    public override string Name => "AWS";

    public override EmulatorFaultInjector? Faults => _aws.Faults;

    public override async Task StartAsync(ManualTimeProvider time)
    {
        _aws = new AwsEmulator(time);
        await _aws.StartAsync();
    }

    public override void Write(string secret, string value)
    {
        if (_created.Add(secret))
        {
            _aws.CreateSecret("orders/" + secret, value);
        }
        else
        {
            _aws.Rotate("orders/" + secret, value);
        }
    }

    public override void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddAwsSecretsManager(o =>
        {
            o.Region = "us-east-1";
            o.ServiceUrl = _aws.Address;
            o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
            o.NamePrefix = "orders/";
            o.Http.CreateHandler = () => Client;
            tuning(o);
        });

    public override async ValueTask DisposeAsync()
    {
        await _aws.DisposeAsync();
        await base.DisposeAsync();
    }
}
