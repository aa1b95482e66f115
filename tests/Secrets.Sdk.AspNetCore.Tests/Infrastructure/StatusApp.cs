using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Sdk.AspNetCore;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.AspNetCore.Tests.Infrastructure;

/// <summary>A minimal API on the in-memory TestServer with Secrets.Sdk sources and the status endpoint.</summary>
internal sealed class StatusApp : IAsyncDisposable
{
    private StatusApp(WebApplication app, ManualTimeProvider time)
    {
        App = app;
        Time = time;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public ManualTimeProvider Time { get; }

    public HttpClient Client { get; }

    public ISecretsManager Manager => App.Services.GetRequiredService<ISecretsManager>();

    public static async Task<StatusApp> StartAsync(
        ManualTimeProvider time,
        Action<SecretsManagerBuilder> sources,
        Action<SecretsStatusOptions>? status = null,
        Action<WebApplicationBuilder>? services = null,
        Action<WebApplication>? endpoints = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            sources(s);
        });
        services?.Invoke(builder);
        var app = builder.Build();
        app.MapSecretsStatus(configure: o =>
        {
            o.TimeProvider = time;
            status?.Invoke(o);
        });
        endpoints?.Invoke(app);
        await app.StartAsync();
        return new StatusApp(app, time);
    }

    public static SecretSourceOptions Options(string name, Action<SecretSourceOptions>? configure = null)
    {
        var options = new SecretSourceOptions { Name = name, RefreshInterval = TimeSpan.FromMinutes(1), RefreshJitter = 0, ChangeDebounce = TimeSpan.Zero };
        options.Resilience.MaxRetryAttempts = 0;
        options.Resilience.CircuitBreakerEnabled = false;
        configure?.Invoke(options);
        return options;
    }

    public async Task<string> GetStatusTextAsync()
    {
        using var response = await Client.GetAsync(new Uri("/secrets/status", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<JsonElement> GetStatusAsync()
    {
        using var document = JsonDocument.Parse(await GetStatusTextAsync());
        return document.RootElement.Clone();
    }

    public static JsonElement Source(JsonElement status, string name) =>
        status.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
