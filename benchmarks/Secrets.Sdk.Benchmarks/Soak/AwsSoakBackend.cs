using Amazon.Runtime;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Soak;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Soak;

/// <summary>AWS Secrets Manager: five secrets under <c>soak/</c>, rotations as new AWSCURRENT versions.</summary>
internal sealed class AwsSoakBackend : ISoakBackend
{
    private AwsEmulator _aws = null!;

    public string Name => "AWS";

    public int Sources => 1;

    public async Task StartAsync(ManualTimeProvider time, string firstValue)
    {
        _aws = new AwsEmulator(time);
        await _aws.StartAsync();
        for (var i = 1; i <= 4; i++)
        {
            _aws.CreateSecret($"soak/Fixed{i}", $"fixed value {i}");
        }

        _aws.CreateSecret("soak/Soak", Json(firstValue));
    }

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddAwsSecretsManager(o =>
        {
            o.Region = "us-east-1";
            o.ServiceUrl = _aws.Address;
            o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
            o.NamePrefix = "soak/";
            tuning(o);
        });

    public long Requests => _aws.Faults.Handled;

    public bool OwnsSource(string source) => false;

    public void Rotate(string value) => _aws.Rotate("soak/Soak", Json(value));

    public void TrimHistory() => EmulatorHistory.Clear(_aws);

    public async ValueTask DisposeAsync() => await _aws.DisposeAsync();

    private static string Json(string value) => $$"""{"Rotating":"{{value}}"}""";
}
