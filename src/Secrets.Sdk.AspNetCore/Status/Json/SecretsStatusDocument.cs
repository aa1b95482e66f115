namespace Secrets.Sdk.AspNetCore;

/// <summary>The body of the status endpoint: every source of the application.</summary>
internal sealed class SecretsStatusDocument
{
    /// <summary>Gets when the document was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Gets the worst state of any source (<c>Healthy</c>, <c>Degraded</c>, <c>Unhealthy</c>).</summary>
    public required string Status { get; init; }

    /// <summary>Gets one entry per source, in registration order.</summary>
    public required IReadOnlyList<SourceStatusDocument> Sources { get; init; }
}
