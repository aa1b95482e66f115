using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk.Azure.Tests.Declarations;

public sealed class AzureDeclaredSourceTests
{
    [Fact]
    public async Task PrefixAndExplicitSecrets_DeclaredInJson_LoadThroughTheEmulator()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("orders-Database--Password", "p1");
        f.SetSecret("billing-Other", "no");
        var v1 = f.SetSecret("shared-stripe-key", "sk1");
        f.SetSecret("shared-stripe-key", "sk2");
        var section = Section($$"""
            { "SecretsManager": { "Sources": [
              { "Type": "AzureKeyVault", "VaultUri": {{Quote(f.Vault.VaultUri.ToString())}}, "NamePrefix": "orders-", "MaxConcurrency": 4,
                "Throttle": { "Enabled": false, "MaxDelay": "00:02:00" },
                "Secrets": [ "shared-stripe-key", { "Name": "shared-stripe-key", "Version": {{Quote(v1)}}, "Section": "Stripe:First" },
                             { "Name": "absent", "Optional": true } ] } ] } }
            """);

        var config = new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = f.Time;
            s.ConfigureDeclaredSources<AzureKeyVaultSourceOptions>(o =>
            {
                f.Configure(o, _ => { });
                o.Credential = f.Credential;
                Assert.Equal(4, o.MaxConcurrency);
                Assert.Equal(3, o.Secrets.Count);
                Assert.Equal((false, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5)), (o.Throttle.Enabled, o.Throttle.MaxDelay, o.Throttle.InlineWait));
            });
        }).Build();

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("sk2", config["shared-stripe-key"]);
        Assert.Equal("sk1", config["Stripe:First"]);
        Assert.Null(config["Other"]);
    }

    [Fact]
    public void ClientSecretInTheFile_AndAnInvalidSecretName_AreProblems_WithoutValues()
    {
        var section = Section("""
            { "SecretsManager": { "Sources": [
              { "Type": "AzureKeyVault", "VaultUri": "https://kv.vault.azure.net/", "ClientSecret": "S3NT1NEL" },
              { "Type": "AzureKeyVault", "VaultUri": "https://kv.vault.azure.net/", "Secrets": [ "bad_name_S3NT1NEL" ] },
              { "Type": "AzureKeyVault", "VaultUri": "https://kv.vault.azure.net/", "Throttle": { "InlineWiat": "00:00:01" } } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        Assert.Collection(
            ex.Problems,
            p => Assert.Equal(("SecretsManager:Sources:0:ClientSecret", true), (p.Path, p.Message.Contains("ManagedIdentityClientId", StringComparison.Ordinal))),
            p => Assert.Equal(("SecretsManager:Sources:1:Secrets", true), (p.Path, p.Message.Contains("1-127 letters, digits and dashes", StringComparison.Ordinal))),
            p => Assert.Equal(("SecretsManager:Sources:2:Throttle:InlineWiat", true), (p.Path, p.Message.Contains("InlineWait", StringComparison.Ordinal))));
        Assert.DoesNotContain("S3NT1NEL", ex.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("SecretsManager");

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
