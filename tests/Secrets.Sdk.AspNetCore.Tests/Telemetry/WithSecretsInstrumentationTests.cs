using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.AspNetCore.Tests.Telemetry;

public sealed class WithSecretsInstrumentationTests
{
    [Fact]
    public async Task WithSecretsInstrumentation_ExportsTheSecretsMetricsAndActivities()
    {
        var metrics = new List<Metric>();
        var activities = new List<Activity>();
        var store = new InMemorySecretStore("otel-store");
        store.Set("a", "1");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s => s.AddStore(store, new SecretSourceOptions { Name = "otel-source", RefreshInterval = null }));
        builder.Services.AddOpenTelemetry()
            .WithSecretsInstrumentation()
            .WithMetrics(m => m.AddInMemoryExporter(metrics))
            .WithTracing(t => t.AddInMemoryExporter(activities));
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<ISecretsManager>().RefreshAsync();
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        await host.StopAsync();

        Assert.Contains(metrics, m => m.Name == "secrets.refreshes" && m.MeterName == "Secrets.Sdk");
        Assert.Contains(metrics, m => m.Name == "secrets.backend.calls");
        Assert.Contains(activities, a => a.OperationName == "secrets.refresh" && Equals(a.GetTagItem("secrets.source"), "otel-source"));
    }

    [Fact]
    public async Task WithoutSecretsInstrumentation_NothingFromSecretsIsExported()
    {
        var metrics = new List<Metric>();
        var store = new InMemorySecretStore("otel-store");
        store.Set("a", "1");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s => s.AddStore(store, new SecretSourceOptions { Name = "otel-plain", RefreshInterval = null }));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<ISecretsManager>().RefreshAsync();
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        await host.StopAsync();

        Assert.DoesNotContain(metrics, m => m.MeterName == "Secrets.Sdk");
    }
}
