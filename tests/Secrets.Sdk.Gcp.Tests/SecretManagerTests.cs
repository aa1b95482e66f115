using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp.Tests;

public sealed class SecretManagerTests
{
    private static readonly Dictionary<string, string> Orders = new() { ["app"] = "orders" };

    [Fact]
    public async Task DiscoveryByFilter_MapsDoubleUnderscore_PagesThroughResults_MatchesProjectNumber()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.MaxPageSize = 2;
        f.Gcp.CreateSecret("Database__Password", "p1", Orders);
        f.Gcp.CreateSecret("Api__Key", "k1", Orders);
        f.Gcp.CreateSecret("Feature", "on", Orders);
        f.Gcp.CreateSecret("Other", "no", new Dictionary<string, string> { ["app"] = "billing" });

        var config = f.Build(o => o.Filter = "labels.app=orders");

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("k1", config["Api:Key"]);
        Assert.Equal("on", config["Feature"]);
        Assert.Null(config["Other"]);
        Assert.Equal(2, f.Gcp.Count("secrets.list")); // 3 matching secrets, pages of 2
        Assert.Equal(3, f.Gcp.Count("versions.access"));
        Assert.Equal(0, f.Gcp.AuthFailures);
        Assert.All(f.Gcp.Requests, r => Assert.Contains($"projects/{GcpEmulator.ProjectId}/", r, StringComparison.Ordinal)); // asked by id, answered by number
    }

    [Fact]
    public async Task ExplicitSecrets_LatestNumberAndAlias_WithSections_NeedNoList()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("stripe-key", "sk-1");
        f.Gcp.AddVersion("stripe-key", "sk-2");
        f.Gcp.SetAlias("stripe-key", "prod", 1);

        var config = f.Build(o =>
        {
            o.AddSecret("stripe-key", section: "Stripe:Current");
            o.AddSecret("stripe-key", version: "1", section: "Stripe:First");
            o.AddSecret("stripe-key", version: "prod", section: "Stripe:Prod");
        });

        Assert.Equal("sk-2", config["Stripe:Current"]);
        Assert.Equal("sk-1", config["Stripe:First"]);
        Assert.Equal("sk-1", config["Stripe:Prod"]);
        Assert.Equal(0, f.Gcp.Count("secrets.list"));
    }

    [Fact]
    public async Task Values_AreTakenByteForByte_NoNewlineTrimming_BinaryFollowsTheEngineRule()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("pem", "line1\nline2\n");
        f.Gcp.CreateSecret("blob", [0xFF, 0x00, 0xFE]);

        var config = f.Build(_ => { });

        Assert.Equal("line1\nline2\n", config["pem"]);
        Assert.Equal(Convert.ToBase64String(new byte[] { 0xFF, 0x00, 0xFE }), config["blob"]);
    }

    [Fact]
    public async Task Rotation_GivesExactlyOneOptionsMonitorChange()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Db__Password", "p1", Orders);
        f.Gcp.CreateSecret("Db__User", "app", Orders);
        using var host = f.BuildHost(o => o.Filter = "labels.app=orders", b => b.Services.Configure<Db>(b.Configuration.GetSection("Db")));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });

        f.Gcp.AddVersion("Db__Password", "p2");
        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal(["p2"], changes);
        Assert.Equal("p2", monitor.CurrentValue.Password);
        Assert.Equal("app", monitor.CurrentValue.User);
        await host.StopAsync();
    }

    [Fact]
    public async Task NoOpRefresh_FiresNothing_CostsAtMostOneAccessPerSecret_AndNoMetadataRead()
    {
        await using var f = await GcpFixture.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            f.Gcp.CreateSecret($"S{i:D2}", "v" + i, Orders);
        }

        f.Gcp.CreateSecret("pinned", "fixed");
        var config = f.Build(o =>
        {
            o.Filter = "labels.app=orders";
            o.AddSecret("pinned", version: "1");
        });
        var reloads = 0;
        using var token = Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => reloads++);
        var accesses = f.Gcp.Count("versions.access");
        var lists = f.Gcp.Count("secrets.list");

        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.False(result.Changed);
        Assert.Equal(0, reloads);
        Assert.Equal(30, f.Gcp.Count("versions.access") - accesses); // one per 'latest' secret; the pinned version costs nothing
        Assert.Equal(lists, f.Gcp.Count("secrets.list")); // discovery waits for its own interval
        Assert.Equal(0, f.Gcp.Count("versions.list"));
    }

    [Fact]
    public async Task Discovery_RunsOnItsOwnInterval_NewSecretsAppearAfterIt()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("A", "1", Orders);
        var config = f.Build(o =>
        {
            o.Filter = "labels.app=orders";
            o.DiscoveryInterval = TimeSpan.FromMinutes(30);
            o.DiscoveryJitter = 0;
        });
        f.Gcp.CreateSecret("B", "2", Orders);

        await config.GetSecretsManager().RefreshAsync();
        Assert.Null(config["B"]);
        Assert.Equal(1, f.Gcp.Count("secrets.list"));

        f.Time.Advance(TimeSpan.FromMinutes(31));
        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.True(result.Changed);
        Assert.Equal("2", config["B"]);
        Assert.Equal(2, f.Gcp.Count("secrets.list"));
    }

    [Theory]
    [InlineData(0.0, 30)]
    [InlineData(0.5, 60)]
    [InlineData(0.9999, 90)]
    public void DiscoveryJitter_SpreadsTheNextListing(double uniform, int minutes) =>
        Assert.Equal(minutes, new DiscoverySchedule(TimeSpan.FromHours(1), 0.5, () => uniform).NextDelay(first: false).TotalMinutes, precision: 0);

    [Fact]
    public void GcpDefaults_SpreadPollsWidely_ForPerMinuteQuotas()
    {
        var options = new GcpSecretManagerSourceOptions();

        Assert.Equal(TimeSpan.FromHours(1), options.DiscoveryInterval);
        Assert.Equal(0.5, options.DiscoveryJitter);
        Assert.Equal(0.5, options.RefreshJitter);
        Assert.Throws<ArgumentException>(() => new GcpSecretManagerSourceOptions { DiscoveryJitter = 1 }.Validate());
    }

    [Fact]
    public async Task CorruptCrc_IsAnIntegrityErrorForThatSecret_KeptOutOfConfiguration_AndNamed()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Good", "g", Orders);
        f.Gcp.CreateSecret("Tampered", "t", Orders);
        f.Gcp.CorruptCrc("Tampered");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.Filter = "labels.app=orders"));
        Assert.Contains("Tampered", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CRC32C", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"t\"", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o =>
        {
            o.Filter = "labels.app=orders";
            o.Optional = true;
        });
        Assert.Equal("g", config["Good"]);
        Assert.Null(config["Tampered"]);
        Assert.Equal(["Tampered"], config.GetSecretsManager().Sources[0].FailedSecrets);
        var health = await new SecretsHealthCheck(config.GetSecretsManager(), f.Time).CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
        Assert.Contains("Tampered", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceMaxSecretBytes_IsTheTransportsValueLimitToo()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Big", new string('x', 1536 * 1024));

        var refused = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("Big")));
        var config = f.Build(o =>
        {
            o.MaxSecretBytes = 2 * 1024 * 1024;
            o.AddSecret("Big");
        });

        Assert.Contains("Big", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1536 * 1024, config["Big"]!.Length);
    }

    [Fact]
    public async Task MissingChecksum_IsRefusedByDefault_AcceptedWhenAllowed()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Key", "v");
        f.Gcp.OmitCrc("Key");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("Key")));
        Assert.Contains("without payload.dataCrc32c", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o =>
        {
            o.AddSecret("Key");
            o.AllowMissingChecksum = true;
        });
        Assert.Equal("v", config["Key"]);
    }

    [Fact]
    public async Task CorruptRotation_KeepsTheLastGoodValue_AndReportsTheSecret()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Key", "good");
        var config = f.Build(_ => { });
        f.Gcp.AddVersion("Key", "tampered-in-transit");
        f.Gcp.CorruptCrc("Key");

        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.False(result.Changed);
        Assert.Equal("good", config["Key"]);
        Assert.Equal(["Key"], config.GetSecretsManager().Sources[0].FailedSecrets);
    }

    [Fact]
    public async Task ResourceExhausted_IsRetriedWithBackOff_AndSurvived()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("A", "1");
        f.Gcp.CreateSecret("B", "2");
        var config = f.Build(o => o.Resilience.MaxRetryAttempts = 5);
        f.Gcp.AddVersion("A", "1b");
        f.Gcp.ThrottleNext(3);

        var refresh = config.GetSecretsManager().RefreshAsync();
        var backOffs = 0;
        while (!refresh.IsCompleted)
        {
            // The two accesses run at once, so the three 429s are spread over them; advance the clock to each back-off.
            await Waits.UntilAsync(() => refresh.IsCompleted || f.Time.PendingDueTimes.Any(d => d - f.Time.GetUtcNow() < TimeSpan.FromSeconds(5)), "a back-off delay");
            if (!refresh.IsCompleted)
            {
                f.Time.AdvanceTo(f.Time.PendingDueTimes.First(d => d - f.Time.GetUtcNow() < TimeSpan.FromSeconds(5)));
                backOffs++;
            }
        }

        var result = await refresh.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded);
        Assert.InRange(backOffs, 2, 3);
        Assert.Equal(3, f.Gcp.Requests.Count(r => r.StartsWith("versions.access", StringComparison.Ordinal)) - 2 - 2); // 2 at load, 2 that succeeded now, 3 throttled
        Assert.Equal("1b", config["A"]);
        Assert.Equal("2", config["B"]);
    }

    [Fact]
    public async Task LatestDisabledOrDestroyed_FallsBackToTheNewestEnabledVersion()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Key", "v1");
        f.Gcp.AddVersion("Key", "v2");
        f.Gcp.AddVersion("Key", "v3");
        f.Gcp.SetVersionState("Key", 3, "DESTROYED");
        f.Gcp.SetVersionState("Key", 2, "DISABLED");

        var config = f.Build(o => o.AddSecret("Key"));

        Assert.Equal("v1", config["Key"]);
        Assert.Equal(1, f.Gcp.Count("versions.list"));

        var result = await config.GetSecretsManager().RefreshAsync();
        Assert.False(result.Changed);
        Assert.Equal(1, f.Gcp.Count("versions.list")); // the fallback is remembered, not looked up on every poll

        f.Gcp.SetVersionState("Key", 2, "ENABLED");
        f.Gcp.SetVersionState("Key", 1, "DISABLED"); // the remembered fallback stops being readable: resolve again
        result = await config.GetSecretsManager().RefreshAsync();
        Assert.True(result.Changed);
        Assert.Equal("v2", config["Key"]);
        Assert.Equal(2, f.Gcp.Count("versions.list"));

        f.Gcp.AddVersion("Key", "v4");
        result = await config.GetSecretsManager().RefreshAsync();
        Assert.True(result.Changed);
        Assert.Equal("v4", config["Key"]);
    }

    [Fact]
    public async Task MissingExplicitSecret_FailsAsNotFoundNamingIt_OptionalOneIsSkipped()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("present", "1");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("missing")));
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SecretErrorKind.NotFound, Assert.IsType<SecretStoreException>(ex.InnerException).Kind);

        var config = f.Build(o =>
        {
            o.AddSecret("present", section: "P");
            o.AddSecret("missing", optional: true);
        });
        Assert.Equal("1", config["P"]);
    }

    [Fact]
    public async Task RegionalLocation_UsesLocationNames()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.Location = "europe-west1";
        f.Gcp.CreateSecret("Regional__Key", "r");

        var config = f.Build(o => o.Location = "europe-west1");

        Assert.Equal("r", config["Regional:Key"]);
        Assert.All(f.Gcp.Requests, r => Assert.Contains("/locations/europe-west1/secrets", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepeatedPageToken_StopsPagingWithAClearError()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.MaxPageSize = 1;
        f.Gcp.RepeatPageTokens = true;
        for (var i = 0; i < 4; i++)
        {
            f.Gcp.CreateSecret($"S{i}", "v");
        }

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(_ => { }));

        Assert.Contains("page token it had already returned", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, f.Gcp.Count("secrets.list")); // the second page repeated the first page's token
    }

    [Fact]
    public void PlainHttpEndpoint_IsRefusedUnlessLoopback()
    {
        var options = new GcpSecretManagerSourceOptions { ProjectId = "p", Endpoint = new Uri("http://secretmanager.internal.example/") };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
        new GcpSecretManagerSourceOptions { ProjectId = "p", Endpoint = new Uri("http://127.0.0.1:8085/") }.Validate();
        new GcpSecretManagerSourceOptions { ProjectId = "p", Endpoint = new Uri("http://localhost:8085/") }.Validate();
    }

    [Fact]
    public void KeyMapper_CanBeOverridden_WithLabels()
    {
        var options = new GcpSecretManagerSourceOptions();
        var secret = new SecretMetadata("orders-db-password") { Tags = new Dictionary<string, string> { ["config-key"] = "Db:Password" } };
        Assert.Equal("orders-db-password", options.KeyMapper.GetKey(secret));
        Assert.Equal("Database:Password", options.KeyMapper.GetKey(new SecretMetadata("Database__Password")));

        options.KeyMapper = SecretKeyMapper.Create(s => s.Tags.TryGetValue("config-key", out var key) ? key : null);

        Assert.Equal("Db:Password", options.KeyMapper.GetKey(secret));
        _ = Encoding.UTF8;
    }

    internal sealed class Db
    {
        public string? Password { get; set; }

        public string? User { get; set; }
    }
}
