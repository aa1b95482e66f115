using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Files;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Tests.Declarations;

public sealed class DeclaredSourcesTests
{
    private const string Sentinel = "S3NT1NEL";

    public DeclaredSourcesTests() => MemorySourceType.Register();

    [Fact]
    public async Task Host_FileOnly_MountedFilesReachIOptions()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(System.IO.Path.Combine(dir.Path, "Database__Username"), "app");
        File.WriteAllText(System.IO.Path.Combine(dir.Path, "Database__Password"), "p1\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(Json($$"""
            { "SecretsManager": { "StartupTimeout": "00:00:20",
                "Sources": [ { "Type": "MountedFiles", "Path": {{Quote(dir.Path)}}, "UseFileSystemWatcher": false } ] } }
            """));

        builder.AddSecretsManager(builder.Configuration.GetSection("SecretsManager"));
        builder.Services.Configure<Db>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();

        var db = host.Services.GetRequiredService<IOptions<Db>>().Value;
        Assert.Equal("app", db.Username);
        Assert.Equal("p1", db.Password);
        Assert.Equal("files:" + dir.Path, Assert.Single(host.Services.GetRequiredService<ISecretsManager>().Sources).Name, ignoreCase: true);
        await host.StopAsync();
    }

    [Fact]
    public void FilePlusCode_CodeSourcesWinAndHooksCompleteDeclaredSources()
    {
        var captured = MemorySourceType.Capture();
        var time = new ManualTimeProvider();
        var section = DeclaredJson.Section($$"""
            { "SecretsManager": { "StartupTimeout": "00:00:20",
                "Sources": [ { "Type": "{{MemorySourceType.Name}}", "Name": "declared", "Values": { "A": "file", "B": "file" } } ] } }
            """);
        var code = new InMemorySecretStore("code", time);
        code.Set("B", "code");

        var config = new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = time;
            s.StartupTimeout = TimeSpan.FromSeconds(7);
            s.AddStore(code, new SecretSourceOptions { RefreshInterval = null });
            s.ConfigureDeclaredSource<SecretSourceOptions>("declared", o => o.KeyPrefix = null);
            s.ConfigureDeclaredSources<SecretSourceOptions>(o => o.RefreshInterval = null);
            s.ConfigureDeclaredSource<SecretSourceOptions>("another", o => o.Section = "Never");
        }).Build();

        Assert.Equal("file", config["A"]);
        Assert.Equal("code", config["B"]);
        var declared = Assert.Single(captured);
        Assert.Null(declared.RefreshInterval);
        Assert.Null(declared.Section);
        Assert.Equal(["declared", "code"], config.GetSecretsManager().Sources.Select(s => s.Name));
    }

    [Fact]
    public void BuilderSettingsAndEveryCommonSourceSetting_AreBound()
    {
        var captured = MemorySourceType.Capture();
        var section = DeclaredJson.Section($$"""
            { "SecretsManager": {
                "StartupTimeout": "00:00:45", "OptionalSourceWait": "00:00:03", "ShutdownTimeout": "00:00:04",
                "Sources": [ { "Type": "testmemory", "Name": "n", "Optional": true, "Section": "Sec", "KeyPrefix": "P",
                  "FlattenJson": false, "RefreshInterval": "00:02:00", "RefreshJitter": 0.25, "MinimumRefreshInterval": "00:00:02",
                  "MaxErrorBackoff": "00:01:00", "ChangeDebounce": "00:00:00.5", "DegradedAfter": "00:10:00", "UnhealthyAfter": "01:00:00",
                  "MaxSecretBytes": 2048, "MaxConcurrency": 3,
                  "Resilience": { "AttemptTimeout": "00:00:05", "MaxRetryAttempts": 7, "RetryBaseDelay": "00:00:01", "RetryMaxDelay": "00:00:09",
                    "CircuitBreakerEnabled": false, "CircuitBreakerFailureRatio": 0.75, "CircuitBreakerMinimumThroughput": 4,
                    "CircuitBreakerSamplingDuration": "00:00:11", "CircuitBreakerBreakDuration": "00:00:12" },
                  "Leases": { "RenewAtFraction": 0.5, "Jitter": 0.2, "MinimumRenewal": "00:00:13", "ExpiryThreshold": "00:00:14",
                    "RenewalIncrement": "00:30:00", "MinimumLeaseDuration": "00:00:15", "MinimumRotationInterval": "00:00:16",
                    "MaxRenewalFailures": 5, "RevokeGracePeriod": "00:00:17", "RevokeReplacedLeases": false, "RevokeOnShutdown": true } },
                  { "Type": "TestMemory", "RefreshInterval": "Off" } ] } }
            """);
        var builder = new SecretsManagerBuilder().AddDeclaredSources(section);

        Assert.Equal(TimeSpan.FromSeconds(45), builder.StartupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), builder.OptionalSourceWait);
        Assert.Equal(TimeSpan.FromSeconds(4), builder.ShutdownTimeout);
        Assert.Equal(2, builder.Count);
        var o = captured[0];
        Assert.Equal(("n", true, "Sec", "P", false), (o.Name, o.Optional, o.Section, o.KeyPrefix, o.FlattenJson));
        Assert.Equal(TimeSpan.FromMinutes(2), o.RefreshInterval);
        Assert.Equal(0.25, o.RefreshJitter);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500)), (o.MinimumRefreshInterval, o.MaxErrorBackoff, o.ChangeDebounce));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)), (o.DegradedAfter!.Value, o.UnhealthyAfter!.Value));
        Assert.Equal((2048, 3), (o.MaxSecretBytes, o.MaxConcurrency));
        var r = o.Resilience;
        Assert.Equal((TimeSpan.FromSeconds(5), 7, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9)), (r.AttemptTimeout, r.MaxRetryAttempts, r.RetryBaseDelay, r.RetryMaxDelay));
        Assert.Equal((false, 0.75, 4), (r.CircuitBreakerEnabled, r.CircuitBreakerFailureRatio, r.CircuitBreakerMinimumThroughput));
        Assert.Equal((TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(12)), (r.CircuitBreakerSamplingDuration, r.CircuitBreakerBreakDuration));
        var l = o.Leases;
        Assert.Equal((0.5, 0.2, TimeSpan.FromSeconds(13), TimeSpan.FromSeconds(14)), (l.RenewAtFraction, l.Jitter, l.MinimumRenewal, l.ExpiryThreshold));
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(16)), (l.RenewalIncrement!.Value, l.MinimumLeaseDuration, l.MinimumRotationInterval));
        Assert.Equal((5, TimeSpan.FromSeconds(17), false, true), (l.MaxRenewalFailures, l.RevokeGracePeriod, l.RevokeReplacedLeases, l.RevokeOnShutdown));
        Assert.Null(captured[1].RefreshInterval);
    }

    [Fact]
    public void BadFile_EveryProblemReportedAtOnce_WithItsPath_AndNoValue()
    {
        var section = DeclaredJson.Section($$"""
            { "SecretsManager": { "StartupTimout": "00:00:30", "ShutdownTimeout": "-00:00:01",
                "Sources": [
                  { "Type": "Vaultt" },
                  { "Type": "TestMemory", "RefreshIntervall": "00:01:00", "MaxSecretBytes": "many{{Sentinel}}", "Optional": "{{Sentinel}}",
                    "Resilience": { "MaxRetryAttempt": 3 }, "Leases": "{{Sentinel}}" },
                  { "Type": "MountedFiles", "UseFileSystemWatcher": false },
                  { "Path": "/x" },
                  { "Type": "Vault", "Address": "https://vault:8200" },
                  { "Type": "TestMemory", "RefreshJitter": 1.{{Sentinel.Length}}5 } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        var problems = ex.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("did you mean 'StartupTimeout'", problems["SecretsManager:StartupTimout"], StringComparison.Ordinal);
        Assert.Contains("must be positive", problems["SecretsManager:ShutdownTimeout"], StringComparison.Ordinal);
        Assert.Contains("unknown source type; did you mean 'Vault'?", problems["SecretsManager:Sources:0:Type"], StringComparison.Ordinal);
        Assert.Contains("GcpSecretManager (package Secrets.Sdk.Gcp)", problems["SecretsManager:Sources:0:Type"], StringComparison.Ordinal);
        Assert.Contains("TestMemory (package Tests.MemorySource)", problems["SecretsManager:Sources:0:Type"], StringComparison.Ordinal);
        Assert.Contains("did you mean 'RefreshInterval'", problems["SecretsManager:Sources:1:RefreshIntervall"], StringComparison.Ordinal);
        Assert.Contains("expected a whole number", problems["SecretsManager:Sources:1:MaxSecretBytes"], StringComparison.Ordinal);
        Assert.Contains("expected true or false", problems["SecretsManager:Sources:1:Optional"], StringComparison.Ordinal);
        Assert.Contains("did you mean 'MaxRetryAttempts'", problems["SecretsManager:Sources:1:Resilience:MaxRetryAttempt"], StringComparison.Ordinal);
        Assert.Contains("expected an object", problems["SecretsManager:Sources:1:Leases"], StringComparison.Ordinal);
        Assert.Contains("required setting is missing", problems["SecretsManager:Sources:2:Path"], StringComparison.Ordinal);
        Assert.Contains("required setting is missing", problems["SecretsManager:Sources:3:Type"], StringComparison.Ordinal);
        Assert.Contains("added by the package Secrets.Sdk.Vault, which this application does not reference", problems["SecretsManager:Sources:4:Type"], StringComparison.Ordinal);
        Assert.Contains("RefreshJitter must be in [0, 1)", problems["SecretsManager:Sources:5:RefreshJitter"], StringComparison.Ordinal);
        Assert.Equal(12, ex.Problems.Count);
        Assert.DoesNotContain(Sentinel, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1.85", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("The secret sources declared in configuration section 'SecretsManager' have 12 problems:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSection_AndSectionWithoutSources_AreProblems()
    {
        var missing = Assert.Throws<SecretsConfigurationException>(() =>
            new ConfigurationBuilder().AddSecretsManager(DeclaredJson.Section("""{ "Secrets": {} }""")));
        Assert.Equal("SecretsManager", Assert.Single(missing.Problems).Path);

        var empty = Assert.Throws<SecretsConfigurationException>(() =>
            new ConfigurationBuilder().AddSecretsManager(DeclaredJson.Section("""{ "SecretsManager": { "StartupTimeout": "00:00:10" } }""")));
        Assert.Equal("SecretsManager:Sources", Assert.Single(empty.Problems).Path);

        var notAList = Assert.Throws<SecretsConfigurationException>(() =>
            new ConfigurationBuilder().AddSecretsManager(DeclaredJson.Section("""{ "SecretsManager": { "Sources": { "Type": "TestMemory" } } }""")));
        Assert.Contains("expected a list", Assert.Single(notAList.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadFile_NothingIsAddedToTheBuilder()
    {
        var builder = new SecretsManagerBuilder();
        var section = DeclaredJson.Section("""{ "SecretsManager": { "Sources": [ { "Type": "TestMemory" }, { "Type": "TestMemory", "Bogus": 1 } ] } }""");

        Assert.Throws<SecretsConfigurationException>(() => builder.AddDeclaredSources(section));

        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void ValidationMessages_LoseQuotedTextAndValues()
    {
        Assert.Equal("RefreshJitter must be in [0, 1).", DeclaredSources.WithoutValues("RefreshJitter must be in [0, 1); it was 1.5. (Parameter 'RefreshJitter')"));
        Assert.Equal("MaxSecretBytes cannot exceed MaxResponseBytes.", DeclaredSources.WithoutValues("MaxSecretBytes (9) cannot exceed MaxResponseBytes (4)."));
        Assert.Equal("Key Vault secret names are letters; (value not shown) is not.", DeclaredSources.WithoutValues("Key Vault secret names are letters; 'x_y' is not."));
        Assert.Equal("MaxPages must be positive.", DeclaredSources.WithoutValues("MaxPages must be positive (was -1)."));
    }

    [Fact]
    public void RegisteringABuiltInName_IsRefused() =>
        Assert.Throws<ArgumentException>(() => SecretSourceTypes.Register("vault", MemorySourceType.Instance));

    private static MemoryStream Json(string json) => new(System.Text.Encoding.UTF8.GetBytes(json));

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    public sealed class Db
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("secrets-declared-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
