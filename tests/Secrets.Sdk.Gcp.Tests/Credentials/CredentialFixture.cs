using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Gcp.Tests.Credentials;

/// <summary>The token emulator on a manual clock, a temporary folder for credential files, and a fake environment.</summary>
internal sealed class CredentialFixture : IAsyncDisposable
{
    public const string Email = "reader@emulator-project.iam.gserviceaccount.com";

    private CredentialFixture()
    {
        Tokens = new GcpTokenEmulator(Time);
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["HOME"] = Folder };
        Directory.CreateDirectory(Folder);
    }

    public ManualTimeProvider Time { get; } = new();

    public GcpTokenEmulator Tokens { get; }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "secrets-sdk-gcp-" + Guid.NewGuid().ToString("N"));

    /// <summary>Gets the variables application default credentials see (HOME is the empty temporary folder: no gcloud file).</summary>
    public Dictionary<string, string?> Environment { get; }

    public GcpCredentialOptions Options => new() { TimeProvider = Time };

    public static async Task<CredentialFixture> StartAsync()
    {
        var fixture = new CredentialFixture();
        await fixture.Tokens.StartAsync();
        return fixture;
    }

    /// <summary>Writes <paramref name="content"/> to a file in the temporary folder and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string ServiceAccountKeyFile() => WriteFile("key.json", Tokens.CreateServiceAccountKeyFile(Email));

    public GcpCredential ApplicationDefault() =>
        GcpCredential.ApplicationDefault(Options, new GcpCredentialEnvironment(name => Environment.GetValueOrDefault(name), isWindows: false));

    public async ValueTask DisposeAsync()
    {
        await Tokens.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
