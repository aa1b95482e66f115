using System.Net;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Sdk.AspNetCore.Tests.Infrastructure;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.AspNetCore.Tests.Caching;

/// <summary>A minimal API reads per-tenant secrets on demand through the configured AWS source, by the source's name.</summary>
public sealed class OnDemandAwsReadsTests
{
    [Fact]
    public async Task KeyedSecretCache_OverTheAwsSource_ReadsOnceWithinTtl_ThenServesStaleWhileRefreshing()
    {
        var time = new ManualTimeProvider();
        await using var aws = new AwsEmulator(time);
        await aws.StartAsync();
        aws.CreateSecret("prod/orders/Feature", "on");
        aws.CreateSecret("tenants/acme/api-key", "acme-key-1");
        await using var app = await StatusApp.StartAsync(
            time,
            s => s.AddAwsSecretsManager(o =>
            {
                o.Name = "aws";
                o.Region = "us-east-1";
                o.ServiceUrl = aws.Address;
                o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
                o.NamePrefix = "prod/orders/";
                o.RefreshInterval = null;
                o.Resilience.CircuitBreakerEnabled = false;
            }),
            services: b => b.Services.AddSecretCache("aws", o =>
            {
                o.TimeProvider = time;
                o.TimeToLive = TimeSpan.FromMinutes(5);
            }),
            endpoints: a => a.MapGet("/tenants/{tenant}/key", async (string tenant, [FromKeyedServices("aws")] SecretCache cache) =>
                (await cache.GetAsync($"tenants/{tenant}/api-key")).GetText()));
        var readsAtStart = Reads(aws);

        var first = await Get(app, "/tenants/acme/key");
        var second = await Get(app, "/tenants/acme/key");
        Assert.Equal("acme-key-1", first);
        Assert.Equal("acme-key-1", second);
        Assert.Equal(readsAtStart + 1, Reads(aws));

        aws.Rotate("tenants/acme/api-key", "acme-key-2");
        time.Advance(TimeSpan.FromMinutes(6));
        var stale = await Get(app, "/tenants/acme/key");
        await Waits.UntilAsync(() => Reads(aws) == readsAtStart + 2, "the background refresh");
        await Waits.UntilAsync(() => Get(app, "/tenants/acme/key").Result == "acme-key-2", "the rotated value");

        Assert.Equal("acme-key-1", stale);
        Assert.Null(app.App.Configuration["tenants:acme:api-key"]); // on demand only: not in configuration
    }

    [Fact]
    public async Task KeyedSecretCache_MissingSecret_FailsWithNotFound()
    {
        var time = new ManualTimeProvider();
        await using var aws = new AwsEmulator(time);
        await aws.StartAsync();
        aws.CreateSecret("prod/orders/Feature", "on");
        await using var app = await StatusApp.StartAsync(time, s => s.AddAwsSecretsManager(o =>
        {
            o.Name = "aws";
            o.Region = "us-east-1";
            o.ServiceUrl = aws.Address;
            o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
            o.NamePrefix = "prod/orders/";
            o.RefreshInterval = null;
        }));

        using var cache = app.Manager.CreateCache("aws");
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => cache.GetAsync("tenants/nobody/api-key").AsTask());

        Assert.Equal(SecretErrorKind.NotFound, error.Kind);
        Assert.Equal(0, cache.Count);
    }

    private static int Reads(AwsEmulator aws) => aws.Count("GetSecretValue") + aws.Count("BatchGetSecretValue");

    private static async Task<string> Get(StatusApp app, string path)
    {
        using var response = await app.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
