using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Aws;

namespace Secrets.Sdk.Aws.Tests;

/// <summary>ListSecrets (100 per second per account) runs on its own interval; value checks use DescribeSecret (40,000).</summary>
public sealed class DiscoveryIntervalTests
{
    [Fact]
    public async Task OverThreeSimulatedHours_ListsOnTheDiscoveryInterval_AndChecksVersionsWithDescribeSecretOnEveryRefresh()
    {
        await using var f = await AwsFixture.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            f.Aws.CreateSecret($"app/S{i:D2}", "v" + i);
        }

        var config = f.Build(o =>
        {
            o.NamePrefix = "app/";
            o.DiscoveryInterval = TimeSpan.FromHours(1);
            o.DiscoveryJitter = 0;
        });
        var manager = config.GetSecretsManager();
        Assert.Equal(1, f.Aws.Count("ListSecrets"));

        var refreshes = 0;
        var discoveries = 0;
        for (var minute = 5; minute <= 180; minute += 5)
        {
            f.Time.Advance(TimeSpan.FromMinutes(5));
            var lists = f.Aws.Count("ListSecrets");
            var result = await manager.RefreshAsync();
            Assert.True(result.Succeeded);
            refreshes++;
            discoveries += f.Aws.Count("ListSecrets") - lists;
            Assert.Equal(minute % 60 == 0 ? 1 : 0, f.Aws.Count("ListSecrets") - lists); // hourly, exactly
        }

        Assert.Equal(36, refreshes);
        Assert.Equal(3, discoveries);
        Assert.Equal((refreshes - discoveries) * 20, f.Aws.Count("DescribeSecret"));
        Assert.Equal(1, f.Aws.Count("BatchGetSecretValue")); // the startup load; nothing changed since
        Assert.Equal(0, f.Aws.Count("GetSecretValue"));
        Assert.Equal("v7", config["S07"]);
    }

    [Fact]
    public async Task BetweenDiscoveries_ARotationIsSeenByDescribeSecret_ADeletedSecretIsDropped_ANewOneWaitsForDiscovery()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/A", "1");
        f.Aws.CreateSecret("app/B", "2");
        var config = f.Build(o =>
        {
            o.NamePrefix = "app/";
            o.DiscoveryInterval = TimeSpan.FromMinutes(30);
            o.DiscoveryJitter = 0;
        });

        f.Aws.Rotate("app/A", "1b");
        f.Aws.ScheduleDeletion("app/B");
        f.Aws.CreateSecret("app/C", "3");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await config.GetSecretsManager().RefreshAsync();

        Assert.Equal("1b", config["A"]);
        Assert.Null(config["B"]);
        Assert.Null(config["C"]);
        Assert.Equal(1, f.Aws.Count("GetSecretValue")); // the one rotated value, no batch for a single secret
        Assert.Equal(1, f.Aws.Count("ListSecrets"));

        f.Time.Advance(TimeSpan.FromMinutes(30));
        await config.GetSecretsManager().RefreshAsync();

        Assert.Equal("3", config["C"]);
        Assert.Equal(2, f.Aws.Count("ListSecrets"));
    }

    [Fact]
    public async Task AFailedDiscovery_KeepsCheckingTheLastList()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/A", "1");
        var config = f.Build(o =>
        {
            o.NamePrefix = "app/";
            o.DiscoveryInterval = TimeSpan.FromMinutes(10);
            o.DiscoveryJitter = 0;
        });
        f.Aws.DenyOperation("ListSecrets");
        f.Aws.Rotate("app/A", "1b");

        f.Time.Advance(TimeSpan.FromMinutes(15));
        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.True(result.Succeeded);
        Assert.Equal("1b", config["A"]);
        Assert.Equal(1, f.Aws.Count("DescribeSecret"));
    }

    [Fact]
    public void AwsDefaults_ListFarLessOftenThanTheyCheck()
    {
        var options = new AwsSecretsManagerSourceOptions();

        Assert.Equal(TimeSpan.FromMinutes(15), options.DiscoveryInterval);
        Assert.Equal(0.5, options.DiscoveryJitter);
        Assert.True(options.DiscoveryInterval > options.RefreshInterval);
        Assert.Throws<ArgumentException>(() => new AwsSecretsManagerSourceOptions { NamePrefix = "a/", DiscoveryInterval = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new AwsSecretsManagerSourceOptions { NamePrefix = "a/", DiscoveryJitter = 1 }.Validate());
    }
}
