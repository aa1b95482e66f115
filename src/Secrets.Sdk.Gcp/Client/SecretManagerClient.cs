using System.Globalization;
using System.Security.Cryptography;
using Secrets.Sdk.Http;

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
    /// <summary>The error code of a payload that fails its CRC32C check.</summary>
    public const string IntegrityErrorCode = "CRC32C_MISMATCH";

    private readonly GcpRestClient _rest;

    public SecretManagerClient(GcpRestClient rest) => _rest = rest;

    /// <summary>Lists every secret of <paramref name="parent"/> matching <paramref name="filter"/>, page by page.</summary>
    public async Task<List<SecretResource>> ListSecretsAsync(string parent, string? filter, int pageSize, CancellationToken cancellationToken)
    {
        var operation = new BackendOperation("secrets.list");
        var guard = _rest.Http.CreatePageGuard(operation);
        var secrets = new List<SecretResource>();
        string? token = null;
        do
        {
            var query = $"v1/{parent}/secrets?pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}";
            if (filter is not null)
            {
                query += "&filter=" + Uri.EscapeDataString(filter);
            }

            if (token is not null)
            {
                query += "&pageToken=" + Uri.EscapeDataString(token);
            }

            var response = await _rest.SendAsync(HttpMethod.Get, query, null, GcpJsonContext.Default.ListSecretsResponse, operation, cancellationToken).ConfigureAwait(false);
            secrets.AddRange(response.Secrets ?? []);
            token = response.NextPageToken;
        }
        while (guard.Continue(token));

        return secrets;
    }

    /// <summary>Accesses one version and verifies its payload.</summary>
    /// <param name="parent">The parent (project, optionally location).</param>
    /// <param name="secretId">The secret id.</param>
    /// <param name="version"><c>latest</c>, a number or an alias.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version's resource name and its payload bytes.</returns>
    /// <exception cref="SecretStoreException">The call failed, or the payload is malformed, too large or fails its CRC32C check (<see cref="IntegrityErrorCode"/>).</exception>
    /// <param name="allowMissingChecksum">Whether a payload without <c>dataCrc32c</c> is accepted unverified.</param>
    public async Task<(string Name, byte[] Data)> AccessAsync(string parent, string secretId, string version, bool allowMissingChecksum, CancellationToken cancellationToken)
    {
        var operation = new BackendOperation("versions.access", secretId);
        var response = await _rest.SendAsync(HttpMethod.Get, $"v1/{parent}/secrets/{secretId}/versions/{version}:access", null, GcpJsonContext.Default.AccessSecretVersionResponse, operation, cancellationToken).ConfigureAwait(false);
        var name = response.Name ?? throw _rest.Http.MissingField(operation, "name");
        var bytes = _rest.Http.DecodeBase64(response.Payload?.Data, operation, "payload.data");
        var crc = response.Payload!.DataCrc32c;
        if (crc is null && !allowMissingChecksum)
        {
            // The service stores a checksum for every version (it computes one when the writer sent none), so its absence
            // means something between us and Secret Manager dropped it.
            CryptographicOperations.ZeroMemory(bytes);
            throw new SecretStoreException(
                $"Secret '{secretId}' ({name}) came without payload.dataCrc32c, so it could not be verified; it was not loaded (set AllowMissingChecksum to accept such values).",
                SecretErrorKind.InvalidResponse,
                _rest.Http.StoreName,
                secretId,
                errorCode: IntegrityErrorCode);
        }

        if (crc is not null && !Crc32C.Matches(bytes, crc.Value))
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw new SecretStoreException(
                $"Secret '{secretId}' ({name}) failed its integrity check: the payload's CRC32C does not match dataCrc32c {crc.Value.ToString(CultureInfo.InvariantCulture)}. The value was not loaded.",
                SecretErrorKind.InvalidResponse,
                _rest.Http.StoreName,
                secretId,
                errorCode: IntegrityErrorCode);
        }

        return (name, bytes);
    }

    /// <summary>Returns the number of the newest ENABLED version of a secret, or <see langword="null"/> when none is enabled.</summary>
    public async Task<long?> NewestEnabledVersionAsync(string parent, string secretId, CancellationToken cancellationToken)
    {
        var operation = new BackendOperation("versions.list", secretId);
        var guard = _rest.Http.CreatePageGuard(operation);
        long? newest = null;
        string? token = null;
        do
        {
            var query = $"v1/{parent}/secrets/{secretId}/versions?pageSize=100&filter=" + Uri.EscapeDataString("state:ENABLED");
            if (token is not null)
            {
                query += "&pageToken=" + Uri.EscapeDataString(token);
            }

            var response = await _rest.SendAsync(HttpMethod.Get, query, null, GcpJsonContext.Default.ListSecretVersionsResponse, operation, cancellationToken).ConfigureAwait(false);
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
        }
        while (guard.Continue(token));

        return newest;
    }

    public void Dispose() => _rest.Dispose();
}
