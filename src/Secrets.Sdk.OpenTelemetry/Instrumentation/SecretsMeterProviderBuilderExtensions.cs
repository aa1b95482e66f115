using Secrets.Sdk;

namespace OpenTelemetry.Metrics;

/// <summary>Adds Secrets.Sdk's meter to a meter provider.</summary>
public static class SecretsMeterProviderBuilderExtensions
{
    /// <summary>Subscribes to the <c>Secrets.Sdk</c> meter (every <c>secrets.*</c> instrument).</summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddSecretsInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(SecretsTelemetry.Name);
    }
}
