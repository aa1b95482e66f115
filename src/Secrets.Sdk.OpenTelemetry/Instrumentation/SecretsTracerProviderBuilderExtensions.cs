using Secrets.Sdk;

namespace OpenTelemetry.Trace;

/// <summary>Adds Secrets.Sdk's activity source to a tracer provider.</summary>
public static class SecretsTracerProviderBuilderExtensions
{
    /// <summary>Subscribes to the <c>Secrets.Sdk</c> activity source (<c>secrets.load</c>, <c>secrets.refresh</c>, <c>secrets.backend.list|get</c>).</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddSecretsInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(SecretsTelemetry.Name);
    }
}
