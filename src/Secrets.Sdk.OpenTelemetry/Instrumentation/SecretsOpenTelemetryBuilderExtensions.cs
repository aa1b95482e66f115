using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>Adds Secrets.Sdk's metrics and traces to an OpenTelemetry setup.</summary>
public static class SecretsOpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Subscribes the application's meter and tracer providers to Secrets.Sdk's meter and activity source
    /// (<c>Secrets.Sdk</c>): loads, refreshes, backend calls and latency, errors by kind, throttles, reloads, lease events,
    /// cache lookups, and the <c>secrets.load</c>, <c>secrets.refresh</c> and <c>secrets.backend.*</c> activities.
    /// Tags carry source and secret names, never values.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type (kept, so the chain continues on it).</typeparam>
    /// <param name="builder">The builder returned by <c>services.AddOpenTelemetry()</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithSecretsInstrumentation<TBuilder>(this TBuilder builder)
        where TBuilder : IOpenTelemetryBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetrics(metrics => metrics.AddSecretsInstrumentation());
        builder.WithTracing(tracing => tracing.AddSecretsInstrumentation());
        return builder;
    }
}
