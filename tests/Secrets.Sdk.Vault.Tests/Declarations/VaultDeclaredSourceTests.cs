using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Vault.Tests.Declarations;

public sealed class VaultDeclaredSourceTests : IDisposable
{
    private const string Sentinel = "S3NT1NEL-token";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vault-declared-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task TokenFile_KeyValueAndDynamicSecrets_LoadFromJson_IntoIOptions()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "orders/production", new Dictionary<string, string> { ["Api:Key"] = "k1" });
        f.Vault.AddDatabaseRole("orders-rw", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(3));
        var tokenFile = Write("token", VaultEmulator.RootToken + "\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(Json($$"""
            { "SecretsManager": { "Sources": [ { "Type": "Vault", "Address": {{Quote(f.Vault.Address.ToString())}}, "RefreshInterval": "Off",
                "Authentication": { "Method": "Token", "TokenFile": {{Quote(tokenFile)}} },
                "Resilience": { "CircuitBreakerEnabled": false },
                "KeyValue": [ { "Mount": "secret", "Path": "orders/production" } ],
                "DynamicSecrets": [ { "Path": "database/creds/orders-rw", "Section": "Database" } ] } ] } }
            """));

        builder.AddSecretsManager(builder.Configuration.GetSection("SecretsManager"), s => s.TimeProvider = f.Time);
        builder.Services.Configure<Db>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();

        var config = host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal("k1", config["Api:Key"]);
        var db = host.Services.GetRequiredService<IOptions<Db>>().Value;
        Assert.NotNull(db.Username);
        Assert.NotNull(db.Password);
        Assert.Single(f.Vault.LeasesUnder("database/creds/orders-rw"));
        Assert.Equal(2, host.Services.GetRequiredService<ISecretsManager>().Sources.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task AppRole_WithSecretIdFile_LogsIn()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), VaultEmulatorPolicy.ReadList("secret/"));
        var secretIdFile = Write("secret-id", "secret-1");

        var config = Build(f, $$"""
            { "Type": "Vault", "Address": {{Quote(f.Vault.Address.ToString())}}, "RefreshInterval": "Off",
              "Authentication": { "Method": "AppRole", "RoleId": "role-1", "SecretIdFile": {{Quote(secretIdFile)}} },
              "KeyValue": [ { "Mount": "secret", "Path": "app", "Secrets": [ "db" ], "NeverList": true } ] }
            """);

        Assert.Equal("p1", config["db:password"]);
        Assert.Equal(1, f.Vault.Count("POST auth/approle/login"));
    }

    [Fact]
    public async Task Kubernetes_WithJwtFileAndMount_LogsIn()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p2" });
        f.Vault.AddJwtRole("k8s-east", "orders", "service-account-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), VaultEmulatorPolicy.ReadList("secret/"));
        var jwtFile = Write("jwt", "service-account-jwt");

        var config = Build(f, $$"""
            { "Type": "Vault", "Address": {{Quote(f.Vault.Address.ToString())}}, "RefreshInterval": "Off", "Section": "Orders",
              "Authentication": { "Method": "kubernetes", "Role": "orders", "JwtFile": {{Quote(jwtFile)}}, "Mount": "k8s-east" },
              "KeyValue": [ { "Mount": "secret", "Path": "app/db" } ] }
            """);

        Assert.Equal("p2", config["Orders:password"]);
        Assert.Equal(1, f.Vault.Count("POST auth/k8s-east/login"));
    }

    [Fact]
    public void CredentialsInTheFile_AreRefusedWithWhereToPutThem_AndNeverQuoted()
    {
        var section = Section($$"""
            { "SecretsManager": { "Sources": [
              { "Type": "Vault", "Address": "https://vault:8200", "Token": "{{Sentinel}}",
                "Authentication": { "Method": "AppRole", "RoleId": "r", "SecretId": "{{Sentinel}}" },
                "KeyValue": [ { "Mount": "secret", "Path": "a" } ] },
              { "Type": "Vault", "Address": "https://vault:8200",
                "Authentication": { "Method": "Token", "Token": "{{Sentinel}}", "TokenFile": "/run/token" },
                "DynamicSecrets": [ "database/creds/x" ] },
              { "Type": "Vault", "Address": "not a uri {{Sentinel}}",
                "Authentication": { "Method": "Kuberentes", "Role": "orders" },
                "KeyValue": [ { "Path": "a" } ] } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        var problems = ex.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("VAULT_TOKEN", problems["SecretsManager:Sources:0:Token"], StringComparison.Ordinal);
        Assert.Contains("\"SecretIdFile\"", problems["SecretsManager:Sources:0:Authentication:SecretId"], StringComparison.Ordinal);
        Assert.Contains("\"AppRole\"", problems["SecretsManager:Sources:0:Authentication:SecretIdFile"] + "\"AppRole\"", StringComparison.Ordinal);
        Assert.Contains("TokenFile", problems["SecretsManager:Sources:1:Authentication:Token"], StringComparison.Ordinal);
        Assert.Contains("expected an absolute URI", problems["SecretsManager:Sources:2:Address"], StringComparison.Ordinal);
        Assert.Contains("did you mean 'Kubernetes'?", problems["SecretsManager:Sources:2:Authentication:Method"], StringComparison.Ordinal);
        Assert.Contains("required setting is missing", problems["SecretsManager:Sources:2:KeyValue:0:Mount"], StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a uri", ex.Message, StringComparison.Ordinal);
    }

    private static IConfigurationRoot Build(VaultFixture f, string source) =>
        new ConfigurationBuilder().AddSecretsManager(Section($$"""{ "SecretsManager": { "Sources": [ {{source}} ] } }"""), s => s.TimeProvider = f.Time).Build();

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(Json(json)).Build().GetSection("SecretsManager");

    private static MemoryStream Json(string json) => new(Encoding.UTF8.GetBytes(json));

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public sealed class Db
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
