using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Gcp.Tests.Declarations;

public sealed class GcpDeclaredSourceTests
{
    [Fact]
    public async Task FilterAndExplicitSecrets_DeclaredInJson_LoadThroughTheEmulator()
    {
        await using var f = await GcpFixture.StartAsync();
        var orders = new Dictionary<string, string> { ["app"] = "orders" };
        f.Gcp.CreateSecret("Database__Password", "p1", orders);
        f.Gcp.CreateSecret("Other", "no", new Dictionary<string, string> { ["app"] = "billing" });
        f.Gcp.CreateSecret("stripe-key", "sk1");
        f.Gcp.AddVersion("stripe-key", "sk2");
        GcpSecretManagerSourceOptions? seen = null;
        var section = Section($$"""
            { "SecretsManager": { "Sources": [
              { "Type": "GcpSecretManager", "ProjectId": {{Quote(GcpEmulator.ProjectId)}}, "Endpoint": {{Quote(f.Gcp.Address.ToString())}},
                "Filter": "labels.app=orders", "RefreshInterval": "Off", "DiscoveryInterval": "02:00:00", "DiscoveryJitter": 0.2,
                "PageSize": 100, "AllowMissingChecksum": false,
                "Secrets": [ { "SecretId": "stripe-key", "Section": "Stripe:Current" }, { "SecretId": "stripe-key", "Version": "1", "Section": "Stripe:First" } ] } ] } }
            """);

        var config = new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = f.Time;
            s.ConfigureDeclaredSources<GcpSecretManagerSourceOptions>(o =>
            {
                o.Credential = GcpFixture.Credential();
                seen = o;
            });
        }).Build();

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("sk2", config["Stripe:Current"]);
        Assert.Equal("sk1", config["Stripe:First"]);
        Assert.Null(config["Other"]);
        Assert.NotNull(seen);
        Assert.Equal((TimeSpan.FromHours(2), 0.2, 100), (seen.DiscoveryInterval, seen.DiscoveryJitter, seen.PageSize));
    }

    [Fact]
    public void BadSettings_AreNamedByPath()
    {
        var section = Section("""
            { "SecretsManager": { "Sources": [
              { "Type": "GcpSecretManager", "ProjectId": "p", "PageSize": "lots", "Fliter": "labels.app=x", "Credential": "S3NT1NEL" } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        var problems = ex.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("application default credentials", problems["SecretsManager:Sources:0:Credential"], StringComparison.Ordinal);
        Assert.Contains("expected a whole number", problems["SecretsManager:Sources:0:PageSize"], StringComparison.Ordinal);
        Assert.Contains("did you mean 'Filter'?", problems["SecretsManager:Sources:0:Fliter"], StringComparison.Ordinal);
        Assert.Equal(3, ex.Problems.Count);
        Assert.DoesNotContain("S3NT1NEL", ex.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("SecretsManager");

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
