using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Aws.Tests.Declarations;

public sealed class AwsDeclaredSourceTests
{
    [Fact]
    public async Task DiscoveryAndExplicitSecrets_DeclaredInJson_LoadThroughTheEmulator()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("prod/orders/Database/Password", "p1");
        f.Aws.CreateSecret("prod/billing/Other", "no");
        f.Aws.CreateSecret("prod/shared/stripe", """{"Key":"sk"}""");
        f.Aws.CreateSecret("prod/tagged/Feature", "on", new Dictionary<string, string> { ["team"] = "orders" });
        AwsSecretsManagerSourceOptions? seen = null;
        var section = Section($$"""
            { "SecretsManager": { "Sources": [
              { "Type": "AwsSecretsManager", "Region": "eu-west-1", "ServiceUrl": {{Quote(f.Aws.Address.ToString())}},
                "NamePrefix": "prod/orders/", "RefreshInterval": "Off", "MaxSecretBytes": 4096,
                "DiscoveryInterval": "01:00:00", "DiscoveryJitter": 0.25,
                "Secrets": [ { "SecretId": "prod/shared/stripe", "Section": "Stripe", "VersionStage": "AWSCURRENT" },
                             { "SecretId": "prod/missing", "Optional": true } ],
                "Http": { "MaxPages": 10, "RequestTimeout": "00:00:20",
                          "Throttle": { "BaseDelay": "00:00:02", "MaxDelay": "00:01:00", "InlineWait": "00:00:01" } } },
              { "Type": "AwsSecretsManager", "Region": "eu-west-1", "ServiceUrl": {{Quote(f.Aws.Address.ToString())}},
                "TagFilters": { "team": "orders" }, "RefreshInterval": "Off" } ] } }
            """);

        var config = new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = f.Time;
            s.ConfigureDeclaredSources<AwsSecretsManagerSourceOptions>(o =>
            {
                o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
                seen ??= o;
            });
        }).Build();

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("sk", config["Stripe:Key"]);
        Assert.Null(config["Other"]);
        Assert.Equal("on", config["prod:tagged:Feature"]);
        Assert.NotNull(seen);
        Assert.Equal(("eu-west-1", 4096, 4096, 10, TimeSpan.FromSeconds(20)), (seen.Region, seen.MaxSecretBytes, seen.Http.MaxSecretBytes, seen.Http.MaxPages, seen.Http.RequestTimeout));
        Assert.Equal((TimeSpan.FromHours(1), 0.25), (seen.DiscoveryInterval, seen.DiscoveryJitter));
        Assert.Equal((true, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)), (seen.Http.Throttle.Enabled, seen.Http.Throttle.BaseDelay, seen.Http.Throttle.MaxDelay, seen.Http.Throttle.InlineWait));
        Assert.Equal(["prod/shared/stripe", "prod/missing"], seen.Secrets.Select(s => s.SecretId));
        Assert.True(seen.Secrets[1].Optional);
        Assert.Equal(0, f.Aws.SignatureFailures);
    }

    [Fact]
    public void CredentialsInTheFile_AndASourceThatReadsNothing_AreProblems()
    {
        var section = Section("""
            { "SecretsManager": { "Sources": [
              { "Type": "AwsSecretsManager", "Region": "eu-west-1", "NamePrefix": "a/", "SecretAccessKey": "S3NT1NEL" },
              { "Type": "AwsSecretsManager", "Region": "eu-west-1", "Secrets": [ { "Section": "X" } ], "ServiceUrl": "nope" } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        var problems = ex.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("default chain", problems["SecretsManager:Sources:0:SecretAccessKey"], StringComparison.Ordinal);
        Assert.Contains("required setting is missing", problems["SecretsManager:Sources:1:Secrets:0:SecretId"], StringComparison.Ordinal);
        Assert.Contains("expected an absolute URI", problems["SecretsManager:Sources:1:ServiceUrl"], StringComparison.Ordinal);
        Assert.Equal(3, ex.Problems.Count);
        Assert.DoesNotContain("S3NT1NEL", ex.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("SecretsManager");

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
