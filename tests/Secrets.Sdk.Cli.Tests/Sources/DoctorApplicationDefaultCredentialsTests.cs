using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>
/// A GCP source declared in appsettings.json with nothing in code: the CLI's own path, with Google's application default
/// credentials found on the metadata server that <c>GCE_METADATA_HOST</c> names (the token emulator), so it runs alone.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class DoctorApplicationDefaultCredentialsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly GcpEmulator _gcp = new();
    private readonly GcpTokenEmulator _tokens = new();
    private readonly ProcessEnvironment _environment = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_gcp.StartAsync(), _tokens.StartAsync());
        _gcp.CreateSecret("Database", "db-sentinel", new Dictionary<string, string> { ["app"] = "orders" });
        _environment
            .Set("GOOGLE_APPLICATION_CREDENTIALS", null)
            .Set("CLOUDSDK_CONFIG", _dir.Path) // No gcloud user credentials on this machine's account are found.
            .Set("GCE_METADATA_HOST", _tokens.MetadataHost);
    }

    public async Task DisposeAsync()
    {
        _environment.Dispose();
        await Task.WhenAll(_gcp.DisposeAsync().AsTask(), _tokens.DisposeAsync().AsTask());
        _dir.Dispose();
    }

    [Fact]
    public async Task Doctor_GcpWithMetadataServerCredentials_Exit0()
    {
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        DoctorJson.AssertHealthy(run, "orders-gcp", "GcpSecretManager", 1);
        Assert.True(_tokens.MetadataTokenRequests >= 1);
    }

    [Fact]
    public async Task Doctor_GcpWhenTheMetadataServerRefusesTokens_Exit1_NotAuthenticated()
    {
        _tokens.AccessToken = "not-accepted-by-the-api";
        var config = SettingsFile.Write(_dir, SettingsFile.Gcp(_gcp.Address, GcpEmulator.ProjectId, name: "orders-gcp"));

        var run = await CliRun.RunAsync(["doctor", "--config", config, "--json"]);

        run.AssertOneLineError(1, "source 'orders-gcp'", "did not load");
        Assert.Equal(false, DoctorJson.Flag(DoctorJson.SingleSource(run), "authenticated"));
    }
}
