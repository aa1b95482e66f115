using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Soak;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Soak;

/// <summary>GCP Secret Manager: five secrets, hourly discovery, <c>latest</c> accessed each refresh, rotations as new versions.</summary>
internal sealed class GcpSoakBackend : ISoakBackend
{
    private GcpEmulator _gcp = null!;

    public string Name => "GCP";

    public int Sources => 1;

    public async Task StartAsync(ManualTimeProvider time, string firstValue)
    {
        _gcp = new GcpEmulator(time);
        await _gcp.StartAsync();
        for (var i = 1; i <= 4; i++)
        {
            _gcp.CreateSecret($"Fixed{i}", $"fixed value {i}");
        }

        _gcp.CreateSecret("Soak", Json(firstValue));
    }

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddGcpSecretManager(o =>
        {
            o.ProjectId = GcpEmulator.ProjectId;
            o.Endpoint = _gcp.Address;
            o.Credential = GcpCredential.FromAccessToken(GcpEmulator.Token);
            tuning(o);
        });

    public long Requests => _gcp.Faults.Handled;

    public bool OwnsSource(string source) => false;

    public void Rotate(string value) => _gcp.AddVersion("Soak", Json(value));

    public void TrimHistory() => EmulatorHistory.Clear(_gcp);

    public async ValueTask DisposeAsync() => await _gcp.DisposeAsync();

    private static string Json(string value) => $$"""{"Rotating":"{{value}}"}""";
}
