using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Http;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Encryption.Keys.Tests.Gcp;

/// <summary>The GCP emulator's Cloud KMS, a manual clock, and the REST client a Cloud KMS key sends through (fixed emulator token).</summary>
internal sealed class GcpKmsFixture : IAsyncDisposable
{
    public ManualTimeProvider Time { get; } = new();

    public GcpEmulator Gcp { get; } = new();

    public static async Task<GcpKmsFixture> StartAsync()
    {
        var fixture = new GcpKmsFixture();
        await fixture.Gcp.StartAsync();
        return fixture;
    }

    public GcpRestClient RestClient() =>
        new(BackendHttpClient.Create(Gcp.Address, "GCP Cloud KMS", "gcp-kms-test", new BackendHttpOptions(), BackendRedirectPolicy.Never, Time), GcpCredential.FromAccessToken(GcpEmulator.Token));

    public ValueTask DisposeAsync() => Gcp.DisposeAsync();
}
