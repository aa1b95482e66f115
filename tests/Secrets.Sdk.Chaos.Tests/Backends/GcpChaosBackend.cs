using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>GCP Secret Manager: hourly discovery, <c>latest</c> accessed each refresh, rotations as new versions.</summary>
internal sealed class GcpChaosBackend : EmulatorChaosBackend
{
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private GcpEmulator _gcp = null!;

    public override string Name => "GCP";

    public override EmulatorFaultInjector? Faults => _gcp.Faults;

    public override async Task StartAsync(ManualTimeProvider time)
    {
        _gcp = new GcpEmulator(time);
        await _gcp.StartAsync();
    }

    public override void Write(string secret, string value)
    {
        if (_created.Add(secret))
        {
            _gcp.CreateSecret(secret, value);
        }
        else
        {
            _gcp.AddVersion(secret, value);
        }
    }

    public override void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddGcpSecretManager(o =>
        {
            o.ProjectId = GcpEmulator.ProjectId;
            o.Endpoint = _gcp.Address;
            o.Credential = GcpCredential.FromAccessToken(GcpEmulator.Token);
            o.Http.CreateHandler = () => Client;
            tuning(o);
        });

    public override async ValueTask DisposeAsync()
    {
        await _gcp.DisposeAsync();
        await base.DisposeAsync();
    }
}
