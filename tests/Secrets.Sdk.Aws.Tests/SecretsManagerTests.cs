using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Aws;

namespace Secrets.Sdk.Aws.Tests;

public sealed class SecretsManagerTests
{
    [Fact]
    public async Task DiscoveryByPrefix_FlattensJson_StripsPrefix_PagesThroughResults()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.PageSize = 2;
        f.Aws.CreateSecret("prod/orders/Database", """{"username":"app","password":"p1"}""");
        f.Aws.CreateSecret("prod/orders/Api/Key", "k1");
        f.Aws.CreateSecret("prod/orders/Feature", "on");
        f.Aws.CreateSecret("prod/billing/Other", "no");
        f.Aws.CreateBinarySecret("prod/orders/Cert", [1, 2, 3, 0]);

        var config = f.Build(o => o.NamePrefix = "prod/orders/");

        Assert.Equal("app", config["Database:username"]);
        Assert.Equal("p1", config["Database:password"]);
        Assert.Equal("k1", config["Api:Key"]);
        Assert.Equal("on", config["Feature"]);
        Assert.Equal(Convert.ToBase64String(new byte[] { 1, 2, 3, 0 }), config["Cert"]);
        Assert.Null(config["Other"]);
        Assert.Equal(2, f.Aws.Count("ListSecrets")); // 4 matching secrets, pages of 2
        Assert.Equal(1, f.Aws.Count("BatchGetSecretValue"));
        Assert.Equal(0, f.Aws.SignatureFailures);
    }

    [Fact]
    public async Task ExplicitSecrets_NeedNoListPermission()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("prod/shared/stripe", """{"ApiKey":"sk"}""");
        f.Aws.DenyOperation("ListSecrets");

        var config = f.Build(o => o.AddSecret("prod/shared/stripe", section: "Stripe"));

        Assert.Equal("sk", config["Stripe:ApiKey"]);
        Assert.Equal(0, f.Aws.Count("ListSecrets"));
        Assert.Equal(1, f.Aws.Count("DescribeSecret"));
    }

    [Fact]
    public async Task Rotation_GivesOneOptionsMonitorChange_AndPreviousStageStaysReadable()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("prod/db", """{"Password":"p1"}""");
        using var host = f.BuildHost(
            o =>
            {
                o.AddSecret("prod/db", section: "Db");
                o.AddSecret("prod/db", section: "DbPrevious", versionStage: "AWSPREVIOUS", optional: true);
            },
            b => b.Services.Configure<Db>(b.Configuration.GetSection("Db")));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var config = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });
        Assert.Null(config["DbPrevious:Password"]); // no AWSPREVIOUS yet

        f.Aws.Rotate("prod/db", """{"Password":"p2"}""");
        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal(["p2"], changes);
        Assert.Equal("p2", config["Db:Password"]);
        Assert.Equal("p1", config["DbPrevious:Password"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task RefreshWithNoChange_MakesNoValueReads()
    {
        await using var f = await AwsFixture.StartAsync();
        for (var i = 0; i < 45; i++)
        {
            f.Aws.CreateSecret($"app/S{i:D2}", "v" + i);
        }

        var config = f.Build(o => o.NamePrefix = "app/");
        var batches = f.Aws.Count("BatchGetSecretValue");
        var gets = f.Aws.Count("GetSecretValue");

        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.False(result.Changed);
        Assert.Equal(3, batches); // 45 secrets in batches of 20
        Assert.Equal(batches, f.Aws.Count("BatchGetSecretValue"));
        Assert.Equal(gets, f.Aws.Count("GetSecretValue"));
        Assert.Equal(1, f.Aws.Count("ListSecrets")); // discovery waits for its own interval...
        Assert.Equal(45, f.Aws.Count("DescribeSecret")); // ...and the versions are checked with the 400x larger quota
    }

    [Fact]
    public async Task ThrottlingStorm_IsSurvivedWithBackOff_NoValuesLost()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/A", "1");
        f.Aws.CreateSecret("app/B", "2");
        var config = f.Build(o =>
        {
            o.NamePrefix = "app/";
            o.MaxConcurrency = 1; // the refresh's version checks (DescribeSecret) one at a time: one throttled call per attempt
            o.Resilience.MaxRetryAttempts = 5;
        });
        f.Aws.Rotate("app/A", "1b");
        f.Aws.ThrottleNext(3);

        var refresh = config.GetSecretsManager().RefreshAsync();
        var start = f.Time.GetUtcNow();

        // Each retry waits out Polly's back-off and, while it is still closed, the shared throttle gate's: step the clock
        // through every short wait (never the 10 s attempt timeout) until the refresh is done.
        await Waits.UntilAsync(
            () =>
            {
                if (refresh.IsCompleted)
                {
                    return true;
                }

                var backOff = f.Time.PendingDueTimes.Where(d => d - f.Time.GetUtcNow() < TimeSpan.FromSeconds(5)).ToList();
                if (backOff.Count > 0)
                {
                    f.Time.AdvanceTo(backOff.Min());
                }

                return false;
            },
            "the refresh through the throttling");

        var result = await refresh;
        Assert.True(f.Time.GetUtcNow() - start >= TimeSpan.FromSeconds(1), "the retries backed off");
        Assert.True(result.Succeeded);
        Assert.Equal("1b", config["A"]);
        Assert.Equal("2", config["B"]);
    }

    [Fact]
    public async Task BatchWithMissingAndDeniedSecrets_ReportsThemAndLoadsTheRest()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/Good", "g");
        f.Aws.CreateSecret("app/Denied", "d");
        f.Aws.CreateSecret("app/Other", "o");
        f.Aws.DenySecret("app/Denied");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.NamePrefix = "app/"));
        Assert.Contains("app/Denied", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o =>
        {
            o.NamePrefix = "app/";
            o.Optional = true;
        });
        Assert.Equal("g", config["Good"]);
        Assert.Equal("o", config["Other"]);
        Assert.Null(config["Denied"]);
        Assert.Equal(["app/Denied"], config.GetSecretsManager().Sources[0].FailedSecrets);
    }

    [Fact]
    public async Task BatchDenied_FallsBackToGetSecretValue_AndDeletedSecretsAreSkipped()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/A", "1");
        f.Aws.CreateSecret("app/B", "2");
        f.Aws.CreateSecret("app/Gone", "x");
        f.Aws.ScheduleDeletion("app/Gone");
        f.Aws.DenyOperation("BatchGetSecretValue");

        var config = f.Build(o => o.NamePrefix = "app/");

        Assert.Equal("1", config["A"]);
        Assert.Equal("2", config["B"]);
        Assert.Null(config["Gone"]);
        Assert.Equal(2, f.Aws.Count("GetSecretValue"));
    }

    [Fact]
    public async Task MissingExplicitSecret_FailsNamingIt_OptionalOneIsSkipped()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/present", "1");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("app/missing")));
        Assert.Contains("app/missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", ex.Message, StringComparison.Ordinal);

        var config = f.Build(o =>
        {
            o.AddSecret("app/present", section: "P");
            o.AddSecret("app/missing", optional: true);
        });
        Assert.Equal("1", config["P"]);
    }

    [Fact]
    public async Task EndpointAndRegion_FromTheEnvironment_LikeTheAwsSdks()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("env/Key", "from-env");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER", f.Aws.Address.ToString());
        Environment.SetEnvironmentVariable("AWS_REGION", "eu-west-1");
        try
        {
            var config = new ConfigurationBuilder().AddSecretsManager(s =>
            {
                s.TimeProvider = f.Time;
                s.AddAwsSecretsManager(o =>
                {
                    o.Credentials = new Amazon.Runtime.BasicAWSCredentials(Secrets.Sdk.Testing.Emulators.AwsEmulator.AccessKeyId, Secrets.Sdk.Testing.Emulators.AwsEmulator.SecretAccessKey);
                    o.RefreshInterval = null;
                    o.NamePrefix = "env/";
                });
            }).Build();

            Assert.Equal("from-env", config["Key"]);
            Assert.StartsWith("aws-secretsmanager:eu-west-1", config.GetSecretsManager().Sources[0].Name, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER", null);
            Environment.SetEnvironmentVariable("AWS_REGION", null);
        }
    }

    public sealed class Db
    {
        public string? Password { get; set; }
    }
}
