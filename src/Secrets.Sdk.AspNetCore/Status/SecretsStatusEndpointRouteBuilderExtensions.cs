using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Sdk;
using Secrets.Sdk.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Secrets.Sdk status endpoint.</summary>
public static class SecretsStatusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to a JSON document with one entry per secret source: its state
    /// (Healthy/Degraded/Unhealthy, as the <c>secrets</c> health check judges it), last load, age, failure streak,
    /// every loaded secret with a keyed fingerprint of its version and its lease expiry, and every failing secret with
    /// its error kind. It never contains a secret value. The document names your secrets and backends: protect the
    /// endpoint like any operational one (for example <c>.RequireAuthorization("ops")</c> or
    /// <c>.RequireHost("*:9090")</c> on the returned builder).
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="pattern">The route. Default: <c>/secrets/status</c>.</param>
    /// <param name="configure">Sets the fingerprint key, error messages and clock; <see langword="null"/> for the defaults.</param>
    /// <returns>The endpoint's convention builder (add authorization, host filters, metadata).</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IEndpointConventionBuilder MapSecretsStatus(this IEndpointRouteBuilder endpoints, string pattern = "/secrets/status", Action<SecretsStatusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var options = new SecretsStatusOptions();
        configure?.Invoke(options);
        var report = new SecretsStatusReport(options);
        var clock = options.TimeProvider ?? endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        return endpoints.MapGet(pattern, async context =>
        {
            var services = context.RequestServices;
            var manager = services.GetService<ISecretsManager>() ?? services.GetRequiredService<IConfiguration>().GetSecretsManager();
            var document = report.Build(manager, clock.GetUtcNow());
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await JsonSerializer.SerializeAsync(context.Response.Body, document, SecretsStatusJsonContext.Default.SecretsStatusDocument, context.RequestAborted).ConfigureAwait(false);
        }).WithDisplayName("Secrets.Sdk status");
    }
}
