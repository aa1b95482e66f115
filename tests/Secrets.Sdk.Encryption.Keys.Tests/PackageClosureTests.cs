using System.Text.Json;

namespace Secrets.Sdk.Encryption.Keys.Tests;

/// <summary>
/// Each need has the smallest dependency closure (issue #14): read from the restore output (<c>obj/project.assets.json</c>)
/// of the library projects, which lists every package and project in a project's closure per target framework.
/// </summary>
public sealed class PackageClosureTests
{
    private static readonly string[] EngineAndHosting =
        ["Secrets.Sdk", "Polly.Core", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Configuration.Binder", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.Diagnostics.HealthChecks"];

    [Fact]
    public void AwsSecretsManager_DoesNotPullTheKmsSdk()
    {
        var closure = Closure("Secrets.Sdk.Aws");

        Assert.Contains("AWSSDK.Core", closure);
        Assert.DoesNotContain("AWSSDK.KeyManagementService", closure);
    }

    [Theory]
    [InlineData("Secrets.Sdk.Encryption")]
    [InlineData("Secrets.Sdk.Encryption.DependencyInjection")]
    [InlineData("Secrets.Sdk.Encryption.AwsKms")]
    public void EncryptOnlyPackages_PullNoEngineConfigurationHostingOrPolly(string project)
    {
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Abstractions", closure);
        Assert.Empty(closure.Intersect(EngineAndHosting));
    }

    [Fact]
    public void AwsKms_PullsTheKmsSdkButNotSecretsManager()
    {
        var closure = Closure("Secrets.Sdk.Encryption.AwsKms");

        Assert.Contains("AWSSDK.KeyManagementService", closure);
        Assert.DoesNotContain("Secrets.Sdk.Aws", closure);
        Assert.DoesNotContain("AWSSDK.SecurityToken", closure);
    }

    [Theory]
    [InlineData("Secrets.Sdk.Encryption.GcpKms")]
    [InlineData("Secrets.Sdk.Gcp.Client")]
    public void GcpKmsAndCredentials_PullNoEngineHostingOrPolly(string project)
    {
        // Configuration itself comes with Secrets.Sdk.Http (Microsoft.Extensions.Http), as for the Azure Key Vault KEK.
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Http", closure);
        Assert.DoesNotContain("Secrets.Sdk", closure);
        Assert.DoesNotContain("Polly.Core", closure);
        Assert.DoesNotContain("Microsoft.Extensions.Hosting.Abstractions", closure);
        Assert.DoesNotContain("Microsoft.Extensions.Diagnostics.HealthChecks", closure);
    }

    [Fact]
    public void GcpKms_PullsTheCredentialsButNotSecretManager()
    {
        var closure = Closure("Secrets.Sdk.Encryption.GcpKms");

        Assert.Contains("Secrets.Sdk.Gcp.Client", closure);
        Assert.DoesNotContain("Secrets.Sdk.Gcp", closure);
    }

    [Theory]
    [InlineData("Secrets.Sdk.Gcp")]
    [InlineData("Secrets.Sdk.Gcp.Client")]
    [InlineData("Secrets.Sdk.Encryption.GcpKms")]
    public void GcpPackages_PullNoGoogleApisOrNewtonsoft(string project)
    {
        var closure = Closure(project);

        Assert.DoesNotContain(closure, name => name.StartsWith("Google.", StringComparison.Ordinal) || name == "Newtonsoft.Json");
    }

    [Theory]
    [InlineData("Secrets.Sdk.Vault.Client")]
    [InlineData("Secrets.Sdk.Encryption.VaultTransit")]
    public void VaultTransitAndItsConnection_PullNoEngineHostingPollyOrVaultConfigurationBackend(string project)
    {
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Http", closure);
        Assert.Empty(closure.Intersect(["Secrets.Sdk", "Secrets.Sdk.Vault", "Polly.Core", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Diagnostics.HealthChecks"]));
    }

    [Fact]
    public void VaultTransit_AddsOnlyTheVaultConnectionToTheEnvelopeAndHttpPackages()
    {
        // Whatever else is in the closure (Microsoft.Extensions.Configuration comes with Microsoft.Extensions.Http, for the
        // kit's IHttpClientFactory hook) is Secrets.Sdk.Http's, not the Transit key's.
        var added = Closure("Secrets.Sdk.Encryption.VaultTransit")
            .Except(Closure("Secrets.Sdk.Encryption"))
            .Except(Closure("Secrets.Sdk.Http"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["Secrets.Sdk.Encryption", "Secrets.Sdk.Http", "Secrets.Sdk.Vault.Client"], added);
    }

    [Fact]
    public void VaultConfigurationBackend_SharesTheConnectionPackage()
    {
        var closure = Closure("Secrets.Sdk.Vault");

        Assert.Contains("Secrets.Sdk", closure);
        Assert.Contains("Secrets.Sdk.Vault.Client", closure);
        Assert.DoesNotContain("Secrets.Sdk.Encryption.VaultTransit", closure);
    }

    /// <summary>The names of every package and project in <paramref name="project"/>'s net10.0 closure.</summary>
    private static HashSet<string> Closure(string project)
    {
        var assets = Path.Combine(RepositoryRoot(), "src", project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first.");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        var target = document.RootElement.GetProperty("targets").EnumerateObject().Single(t => t.Name == "net10.0");
        return target.Value.EnumerateObject().Select(library => library.Name[..library.Name.IndexOf('/', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Secrets.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Secrets.Sdk.sln) was not found above " + AppContext.BaseDirectory);
    }
}
