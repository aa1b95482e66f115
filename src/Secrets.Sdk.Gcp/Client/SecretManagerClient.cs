using System.Globalization;
using System.Security.Cryptography;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// The Secret Manager REST v1 calls the store makes: <c>secrets.list</c> (filter, pageSize, pageToken), <c>versions.access</c>
/// (payload verified against its CRC32C) and <c>versions.list</c> (to find the newest enabled version when <c>latest</c> is
/// disabled or destroyed).
/// </summary>
/// <remarks>
/// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/list,
/// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access,
/// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/list.
/// </remarks>
internal sealed class SecretManagerClient : IDisposable
{
    /// <summary>The most pages one listing reads before it is treated as a loop.</summary>
    public const int MaxPages = 10_000;

    /// <summary>The largest value accepted (the design's trust boundary; Secret Manager itself stores at most 64 KiB).</summary>
    public const int MaxSecretBytes = 1024 * 1024;

    private readonly GcpRestClient _rest;

    public SecretManagerClient(GcpRestClient rest) => _rest = rest;

    /// <summary>Gets the endpoint's scheme and authority.</summary>
    public string Authority => _rest.Authority;

    /// <summary>Lists every secret of <paramref name="parent"/> matching <paramref name="filter"/>, page by page.</summary>
    public async Task<List<SecretResource>> ListSecretsAsync(string parent, string? filter, int pageSize, CancellationToken cancellationToken)
    {
        var secrets = new List<SecretResource>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (var page = 0; ; page++)
        {
            if (page >= MaxPages)
            {
                throw new SecretStoreException($"GCP Secret Manager list of '{parent}' did not end after {MaxPages} pages.", SecretErrorKind.InvalidResponse, _rest.Service);
            }

            var query = $"v1/{parent}/secrets?pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}";
            if (filter is not null)
            {
                query += "&filter=" + Uri.EscapeDataString(filter);
            }

            if (token is not null)
            {
                query += "&pageToken=" + Uri.EscapeDataString(token);
            }

            var response = await _rest.SendAsync(HttpMethod.Get, query, null, GcpJsonContext.Default.ListSecretsResponse, "secrets.list", parent, cancellationToken).ConfigureAwait(false);
            secrets.AddRange(response.Secrets ?? []);
            token = response.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                return secrets;
            }

            if (!seenTokens.Add(token))
            {
                throw new SecretStoreException($"GCP Secret Manager list of '{parent}' repeated a page token; paging stopped.", SecretErrorKind.InvalidResponse, _rest.Service);
            }
        }
    }

    /// <summary>Accesses one version and verifies its payload.</summary>
    /// <param name="parent">The parent (project, optionally location).</param>
    /// <param name="secretId">The secret id.</param>
    /// <param name="version"><c>latest</c>, a number or an alias.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version's resource name and its payload bytes.</returns>
    /// <exception cref="SecretStoreException">The call failed, or the payload is malformed or fails its CRC32C check (<see cref="IntegrityErrorCode"/>).</exception>
    public async Task<(string Name, byte[] Data)> AccessAsync(string parent, string secretId, string version, CancellationToken cancellationToken)
    {
        var response = await _rest.SendAsync(HttpMethod.Get, $"v1/{parent}/secrets/{secretId}/versions/{version}:access", null, GcpJsonContext.Default.AccessSecretVersionResponse, "versions.access", secretId, cancellationToken).ConfigureAwait(false);
        if (response.Name is not { } name || response.Payload?.Data is not { } data)
        {
            throw new SecretStoreException($"GCP Secret Manager access of secret '{secretId}' version '{version}' returned no name or no payload data.", SecretErrorKind.InvalidResponse, _rest.Service, secretId);
        }

        if (data.Length > (MaxSecretBytes / 3 * 4) + 4)
        {
            throw new SecretStoreException($"Secret '{secretId}' ({name}) is larger than {MaxSecretBytes} bytes; it was not loaded.", SecretErrorKind.InvalidResponse, _rest.Service, secretId, errorCode: "TOO_LARGE");
        }

        if (!GoogleBase64.TryDecode(data, out var bytes))
        {
            throw new SecretStoreException($"GCP Secret Manager access of secret '{secretId}' ({name}) returned payload data that is not base64.", SecretErrorKind.InvalidResponse, _rest.Service, secretId);
        }

        if (response.Payload.DataCrc32c is { } crc && !Crc32C.Matches(bytes, crc))
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw new SecretStoreException(
                $"Secret '{secretId}' ({name}) failed its integrity check: the payload's CRC32C does not match dataCrc32c {crc.ToString(CultureInfo.InvariantCulture)}. The value was not loaded.",
                SecretErrorKind.InvalidResponse,
                _rest.Service,
                secretId,
                errorCode: IntegrityErrorCode);
        }

        return (name, bytes);
    }

    /// <summary>The error code of a payload that fails its CRC32C check.</summary>
    public const string IntegrityErrorCode = "CRC32C_MISMATCH";

    /// <summary>Returns the number of the newest ENABLED version of a secret, or <see langword="null"/> when none is enabled.</summary>
    public async Task<long?> NewestEnabledVersionAsync(string parent, string secretId, CancellationToken cancellationToken)
    {
        long? newest = null;
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var query = $"v1/{parent}/secrets/{secretId}/versions?pageSize=100&filter=" + Uri.EscapeDataString("state:ENABLED");
            if (token is not null)
            {
                query += "&pageToken=" + Uri.EscapeDataString(token);
            }

            var response = await _rest.SendAsync(HttpMethod.Get, query, null, GcpJsonContext.Default.ListSecretVersionsResponse, "versions.list", secretId, cancellationToken).ConfigureAwait(false);
            foreach (var version in response.Versions ?? [])
            {
                if (version.State == "ENABLED"
                    && GcpResourceNames.TryParse(version.Name, out var parsed)
                    && long.TryParse(parsed.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && (newest is null || number > newest))
                {
                    newest = number;
                }
            }

            token = response.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                return newest;
            }

            if (!seenTokens.Add(token))
            {
                throw new SecretStoreException($"GCP Secret Manager version list of '{secretId}' repeated a page token; paging stopped.", SecretErrorKind.InvalidResponse, _rest.Service, secretId);
            }
        }

        throw new SecretStoreException($"GCP Secret Manager version list of '{secretId}' did not end after {MaxPages} pages.", SecretErrorKind.InvalidResponse, _rest.Service, secretId);
    }

    public void Dispose() => _rest.Dispose();
}
