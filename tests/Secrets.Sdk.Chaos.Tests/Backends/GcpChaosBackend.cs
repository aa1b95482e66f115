using Google.Apis.Auth.OAuth2;
using Secrets.Sdk.Emulators.Gcp;
using Secrets.Sdk.Emulators.Hosting;
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

    /// <remarks>
    /// Found by this suite: between discoveries a GCP refresh only accesses values, each on its own; when every access
    /// fails, the engine still records the pass as a success (SecretSourceRuntime commits and calls RecordSuccess with
    /// all secrets failing), so a total outage leaves health at Degraded and never Unhealthy however old the data gets.
    /// </remarks>
    public override string? KnownOutageDeviation =>
        "every access fails on its own, the pass still counts as a success: health stops at Degraded and data ages past the Degraded bound";

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
            o.Credential = GoogleCredential.FromAccessToken(GcpEmulator.Token);
            o.Http.CreateHandler = () => Client;
            tuning(o);
        });

    public override async ValueTask DisposeAsync()
    {
        await _gcp.DisposeAsync();
        await base.DisposeAsync();
    }
}
