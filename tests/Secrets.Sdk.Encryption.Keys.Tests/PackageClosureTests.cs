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
    [InlineData("Secrets.Sdk.Http")]
    [InlineData("Secrets.Sdk.Encryption")]
    [InlineData("Secrets.Sdk.Encryption.DependencyInjection")]
    [InlineData("Secrets.Sdk.Encryption.AwsKms")]
    [InlineData("Secrets.Sdk.Encryption.GcpKms")]
    [InlineData("Secrets.Sdk.Encryption.VaultTransit")]
    [InlineData("Secrets.Sdk.Gcp.Client")]
    [InlineData("Secrets.Sdk.Vault.Client")]
    public void EncryptOnlyPackagesAndTheirConnections_PullNoEngineConfigurationHostingOrPolly(string project)
    {
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Abstractions", closure);
        Assert.Empty(closure.Intersect(EngineAndHosting));
    }

    [Fact]
    public void AzureKeyVaultKek_AddsNothingToAzureIdentitysOwnClosureButTheEnvelopeAndHttpPackages()
    {
        // Azure.Core itself (1.5x) depends on Microsoft.Extensions.Hosting.Abstractions and Configuration.Abstractions;
        // what this package adds on top of Azure.Identity must be ours and small.
        var closure = Closure("Secrets.Sdk.Encryption.AzureKeyVault");
        var added = closure.Except(Closure("Secrets.Sdk.Encryption.AzureKeyVault", from: "Azure.Identity")).Order(StringComparer.Ordinal);

        Assert.Equal(["Secrets.Sdk.Abstractions", "Secrets.Sdk.Encryption", "Secrets.Sdk.Http"], added);
        Assert.Empty(closure.Intersect(EngineAndHosting.Except(["Microsoft.Extensions.Hosting.Abstractions"])));
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
    public void GcpKmsAndCredentials_SendThroughTheBackendKit(string project)
    {
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Http", closure);
        Assert.DoesNotContain("Secrets.Sdk.Gcp", closure);
    }

    [Fact]
    public void BackendKit_TakesNoPackageButAbstractions()
    {
        // The kit takes a Func<HttpClient> for IHttpClientFactory users, not the interface: Microsoft.Extensions.Http would
        // bring DI, Options, Logging and Configuration (through Microsoft.Extensions.Diagnostics) into every KEK's closure.
        Assert.Equal(["Secrets.Sdk.Abstractions"], Closure("Secrets.Sdk.Http"));
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
    public void VaultTransitAndItsConnection_PullNoVaultConfigurationBackend(string project)
    {
        var closure = Closure(project);

        Assert.Contains("Secrets.Sdk.Http", closure);
        Assert.DoesNotContain("Secrets.Sdk.Vault", closure);
    }

    [Fact]
    public void VaultTransit_AddsOnlyTheVaultConnectionToTheEnvelopeAndHttpPackages()
    {
        var added = Closure("Secrets.Sdk.Encryption.VaultTransit")
            .Except(Closure("Secrets.Sdk.Encryption"))
            .Except(Closure("Secrets.Sdk.Vault.Client"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["Secrets.Sdk.Encryption", "Secrets.Sdk.Vault.Client"], added);
    }

    [Fact]
    public void VaultConfigurationBackend_SharesTheConnectionPackage()
    {
        var closure = Closure("Secrets.Sdk.Vault");

        Assert.Contains("Secrets.Sdk", closure);
        Assert.Contains("Secrets.Sdk.Vault.Client", closure);
        Assert.DoesNotContain("Secrets.Sdk.Encryption.VaultTransit", closure);
    }

    /// <summary>
    /// The names of every package and project a consumer of <paramref name="project"/> gets on net10.0: everything reached
    /// from its project references and its package references that are not private (analyzers and build tools are), or
    /// only what <paramref name="from"/>, one package in that graph, reaches.
    /// </summary>
    private static HashSet<string> Closure(string project, string? from = null)
    {
        var assets = Path.Combine(RepositoryRoot(), "src", project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first.");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        var graph = document.RootElement.GetProperty("targets").GetProperty("net10.0").EnumerateObject().ToDictionary(
            library => library.Name[..library.Name.IndexOf('/', StringComparison.Ordinal)],
            library => library.Value,
            StringComparer.Ordinal);
        var roots = from is not null
            ? [from]
            : graph.Where(library => library.Value.GetProperty("type").GetString() == "project").Select(library => library.Key)
                .Concat(document.RootElement.GetProperty("project").GetProperty("frameworks").GetProperty("net10.0").GetProperty("dependencies").EnumerateObject()
                    .Where(reference => !(reference.Value.TryGetProperty("suppressParent", out var suppress) && suppress.GetString() == "All"))
                    .Select(reference => reference.Name));
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var name))
        {
            if (closure.Add(name) && graph.TryGetValue(name, out var library) && library.TryGetProperty("dependencies", out var dependencies))
            {
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    pending.Push(dependency.Name);
                }
            }
        }

        return closure;
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
