using System.Collections.Concurrent;

namespace Secrets.Sdk.Cli;

/// <summary>The HTTP exchanges of one source, recorded by <see cref="ObservingHandler"/> or <see cref="AzureObservingPolicy"/>.</summary>
internal sealed class HttpObservations
{
    private readonly ConcurrentQueue<HttpExchange> _exchanges = new();

    /// <summary>Gets the exchanges so far.</summary>
    public IReadOnlyList<HttpExchange> Exchanges => [.. _exchanges];

    /// <summary>Records an exchange.</summary>
    /// <param name="exchange">The exchange.</param>
    public void Add(HttpExchange exchange) => _exchanges.Enqueue(exchange);

    /// <summary>Forgets every exchange (before measuring one refresh pass).</summary>
    public void Clear() => _exchanges.Clear();

    /// <summary>Computes the server clock's offset from a <c>Date</c> header (one-second resolution).</summary>
    /// <param name="date">The header's value, if any.</param>
    /// <param name="sent">The local time the request was sent.</param>
    /// <param name="received">The local time the answer arrived.</param>
    /// <returns>The skew, or <see langword="null"/> without a date.</returns>
    public static TimeSpan? Skew(DateTimeOffset? date, DateTimeOffset sent, DateTimeOffset received) =>
        date is { } server ? server - (sent + ((received - sent) / 2)) : null;

    /// <summary>
    /// Tells whether a request is a discovery listing, which the AWS and GCP sources make once per their
    /// <c>DiscoveryInterval</c> rather than on every refresh: AWS <c>ListSecrets</c>, GCP <c>GET .../secrets</c>.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="uri">The URI.</param>
    /// <param name="amzTarget">The AWS <c>X-Amz-Target</c> header, if any.</param>
    /// <returns>Whether it is a discovery listing.</returns>
    public static bool IsDiscovery(string method, Uri? uri, string? amzTarget)
    {
        if (amzTarget is not null)
        {
            return amzTarget.EndsWith(".ListSecrets", StringComparison.Ordinal);
        }

        // GCP: projects/P/secrets or projects/P/locations/L/secrets (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/list).
        var segments = (uri?.AbsolutePath ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return method == "GET"
            && segments is ["v1", "projects", _, "secrets"] or ["v1", "projects", _, "locations", _, "secrets"];
    }

    /// <summary>Names the operation an HTTP request counts against in its vendor's quotas.</summary>
    /// <param name="method">The method.</param>
    /// <param name="uri">The URI.</param>
    /// <param name="amzTarget">The AWS <c>X-Amz-Target</c> header, if any.</param>
    /// <returns>The operation.</returns>
    public static string OperationOf(string method, Uri? uri, string? amzTarget)
    {
        if (amzTarget is not null)
        {
            var dot = amzTarget.LastIndexOf('.');
            return dot >= 0 ? amzTarget[(dot + 1)..] : amzTarget; // "secretsmanager.ListSecrets" -> "ListSecrets"
        }

        var path = uri?.AbsolutePath ?? string.Empty;
        if (path.EndsWith(":access", StringComparison.Ordinal))
        {
            return "versions.access"; // GCP: the 90,000/min access quota.
        }

        if (path.Contains("/projects/", StringComparison.Ordinal) && path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return "metadata"; // GCP: list/get of secrets and versions share the 600/min metadata quota.
        }

        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            var segments = path["/v1/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            return $"{method} {(segments.Length > 0 ? segments[0] : string.Empty)}/"; // Vault: by mount or API area.
        }

        return path.StartsWith("/secrets", StringComparison.Ordinal) ? "secrets" : method; // Azure Key Vault: one vault-wide quota.
    }
}
