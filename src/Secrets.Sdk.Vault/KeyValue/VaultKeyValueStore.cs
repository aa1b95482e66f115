using System.Globalization;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// A KV v1 or v2 path: one secret, or a folder listed recursively (or, in never-list mode, only the named secrets).
/// On KV v2 a refresh reads metadata only (<c>current_version</c>) and the engine reads data only for changed secrets;
/// soft-deleted and destroyed versions are skipped with a log line.
/// </summary>
/// <remarks>https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2 and .../kv-v1.</remarks>
internal sealed partial class VaultKeyValueStore : ISecretStore
{
    private const string Json = "application/json";
    private readonly VaultConnection _connection;
    private readonly VaultKeyValuePath _path;
    private readonly ILogger _logger;
    private int? _version;

    public VaultKeyValueStore(VaultConnection connection, VaultKeyValuePath path, ILogger logger)
    {
        _connection = connection;
        _path = path;
        _logger = logger;
        _version = path.Version;
        Name = $"vault:{path.Mount}/{path.Path}";
    }

    public string Name { get; }

    /// <summary>Vault has no batch read: one secret per call; the engine bounds concurrency.</summary>
    public int MaxBatchSize => 1;

    private VaultClient Client => _connection.Client;

    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        var version = await ResolveVersionAsync(cancellationToken).ConfigureAwait(false);
        var names = _path.NeverList
            ? (_path.Secrets.Count == 0 ? [_path.Path] : _path.Secrets.Select(s => Join(_path.Path, s.Trim('/'))).ToList())
            : await DiscoverAsync(version, cancellationToken).ConfigureAwait(false);
        if (version == 1)
        {
            return names.Select(n => Describe(n, null, null, enabled: true)).ToArray();
        }

        var results = new SecretMetadata?[names.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var metadata = await Client.SendAsync(HttpMethod.Get, $"{_path.Mount}/metadata/{names[i]}", null, VaultStoreJsonContext.Default.VaultKv2MetadataResponse, ct, allowNotFound: true, secretName: names[i]).ConfigureAwait(false);
            if (metadata is null)
            {
                // A named secret that does not exist is reported by its read, per secret.
                results[i] = _path.NeverList ? Describe(names[i], null, null, enabled: true) : null;
                return;
            }

            if (metadata.Data is not { CurrentVersion: > 0 } data)
            {
                // Malformed metadata: no version to compare, so the secret is read (and judged) every time.
                LogMalformedMetadata(_logger, Name, names[i]);
                results[i] = Describe(names[i], null, null, enabled: true);
                return;
            }

            var current = data.Versions?.GetValueOrDefault(data.CurrentVersion.ToString(CultureInfo.InvariantCulture));
            var deleted = current is not null && (current.Destroyed || !string.IsNullOrEmpty(current.DeletionTime));
            if (deleted)
            {
                LogDeleted(_logger, Name, names[i], data.CurrentVersion, current!.Destroyed ? "destroyed" : "deleted");
            }

            results[i] = Describe(names[i], data.CurrentVersion.ToString(CultureInfo.InvariantCulture), data.UpdatedTime, enabled: !deleted);
        }).ConfigureAwait(false);
        return results.OfType<SecretMetadata>().ToArray();
    }

    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        var version = await ResolveVersionAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var requested in secrets)
        {
            try
            {
                results.Add(await ReadAsync(requested, version, cancellationToken).ConfigureAwait(false));
            }
            catch (SecretStoreException ex) when (!ex.IsTransient)
            {
                results.Add(SecretReadResult.Failure(requested, ex));
            }
        }

        return results;
    }


    private async Task<SecretReadResult> ReadAsync(SecretMetadata requested, int version, CancellationToken cancellationToken)
    {
        SecretValue value;
        var metadata = requested;
        if (version == 1)
        {
            var path = $"{_path.Mount}/{requested.Name}";
            var response = await Client.SendAsync(HttpMethod.Get, path, null, VaultStoreJsonContext.Default.VaultSecretResponse, cancellationToken, secretName: requested.Name).ConfigureAwait(false);
            value = Client.Http.ReadSecretJson(response!.Data, new BackendOperation("GET " + path, requested.Name), "data");
        }
        else
        {
            var query = requested.Version is { } v ? "?version=" + v : string.Empty;
            var path = $"{_path.Mount}/data/{requested.Name}{query}";
            var operation = new BackendOperation("GET " + path, requested.Name);
            var response = await Client.SendAsync(HttpMethod.Get, path, null, VaultStoreJsonContext.Default.VaultKv2DataResponse, cancellationToken, secretName: requested.Name).ConfigureAwait(false);
            var data = response!.Data ?? throw Client.Http.MissingField(operation, "data");
            value = Client.Http.ReadSecretJson(data.Data, operation, "data.data");
            if (data.Data.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw Client.Http.InvalidResponse(operation, "answered with 'data.data' that is not an object");
            }

            if (data.Metadata is { Version: > 0 } read)
            {
                metadata = requested with { Version = read.Version.ToString(CultureInfo.InvariantCulture) };
            }
        }

        return SecretReadResult.Success(requested, new Secret(metadata, value));
    }

    private async Task<List<string>> DiscoverAsync(int version, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        if (_path.Path.Length > 0)
        {
            // The path itself may be a secret (and a folder at the same time). A token may read the folder's
            // children without reading the folder path itself, so a 403 here only means "not a readable secret".
            object? probe;
            try
            {
                probe = version == 1
                    ? await Client.SendAsync(HttpMethod.Get, $"{_path.Mount}/{_path.Path}", null, VaultStoreJsonContext.Default.VaultSecretResponse, cancellationToken, allowNotFound: true).ConfigureAwait(false)
                    : await Client.SendAsync(HttpMethod.Get, $"{_path.Mount}/metadata/{_path.Path}", null, VaultStoreJsonContext.Default.VaultKv2MetadataResponse, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            }
            catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.AccessDenied)
            {
                probe = null;
            }

            if (probe is not null)
            {
                found.Add(_path.Path);
            }
        }

        // Each folder is one LIST "page": a folder seen twice or more than MaxPages folders is an error, not a loop.
        var guard = Client.Http.CreatePageGuard(new BackendOperation($"LIST {_path.Mount}/{_path.Path}"));
        await ListRecursiveAsync(version, _path.Path, found, guard, cancellationToken).ConfigureAwait(false);
        return found;
    }

    private async Task ListRecursiveAsync(int version, string folder, List<string> found, PageGuard guard, CancellationToken cancellationToken)
    {
        guard.Enter(folder);
        var listPath = version == 1 ? $"{_path.Mount}/{folder}" : $"{_path.Mount}/metadata/{folder}";
        VaultListResponse? listed;
        try
        {
            listed = await Client.SendAsync(VaultClient.List, listPath.TrimEnd('/') + "/", null, VaultStoreJsonContext.Default.VaultListResponse, cancellationToken, allowNotFound: true).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.AccessDenied)
        {
            throw new SecretStoreException(
                $"Vault denied LIST on '{listPath}' (permission denied). Grant the list capability, or load the path with neverList: true and name its secrets.",
                SecretErrorKind.AccessDenied,
                Name,
                folder,
                403,
                innerException: ex);
        }

        if (listed is null)
        {
            return; // 404: an empty folder.
        }

        var operation = new BackendOperation("LIST " + listPath);
        foreach (var key in listed.Data?.Keys ?? throw Client.Http.MissingField(operation, "data.keys"))
        {
            if (!IsListedKey(key))
            {
                throw Client.Http.InvalidResponse(operation, $"listed a key that is not a name below the folder ('{Printable(key)}')");
            }

            var child = Join(folder, key.TrimEnd('/'));
            if (key.EndsWith('/'))
            {
                await ListRecursiveAsync(version, child, found, guard, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                found.Add(child);
            }
        }
    }

    private async ValueTask<int> ResolveVersionAsync(CancellationToken cancellationToken)
    {
        if (_version is { } known)
        {
            return known;
        }

        int detected;
        try
        {
            // https://developer.hashicorp.com/vault/api-docs/system/internal-ui-mounts: allowed for any token with access to the path.
            var mount = await Client.SendAsync(HttpMethod.Get, $"sys/internal/ui/mounts/{_path.Mount}/{_path.Path}", null, VaultStoreJsonContext.Default.VaultMountResponse, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            detected = mount?.Data?.Options?.GetValueOrDefault("version") == "1" ? 1 : 2;
        }
        catch (SecretStoreException ex) when (ex.Kind is SecretErrorKind.AccessDenied or SecretErrorKind.InvalidRequest)
        {
            detected = 2;
        }

        LogVersion(_logger, Name, detected);
        _version = detected;
        return detected;
    }

    private SecretMetadata Describe(string name, string? version, DateTimeOffset? updated, bool enabled)
    {
        var relative = name.Length == _path.Path.Length ? string.Empty : (_path.Path.Length == 0 ? name : name[(_path.Path.Length + 1)..]);
        return new SecretMetadata(name)
        {
            Version = version,
            UpdatedOn = updated,
            Enabled = enabled,
            ContentType = Json,
            ConfigurationKey = relative.Replace('/', ':'),
        };
    }

    private static string Join(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;

    /// <summary>A LIST key is one path segment, optionally with a trailing '/': never empty, '.', '..', or nested.</summary>
    private static bool IsListedKey(string? key)
    {
        var name = key?.EndsWith('/') == true ? key[..^1] : key;
        return !string.IsNullOrEmpty(name) && name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal)
            && !name.Contains('?', StringComparison.Ordinal) && !name.Contains('#', StringComparison.Ordinal) && !name.Any(char.IsControl);
    }

    private static string Printable(string? key) => key is null ? "null" : new string(key.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [LoggerMessage(4201, LogLevel.Information, "{Store}: secret {Secret} version {Version} is {State}; it is skipped.")]
    private static partial void LogDeleted(ILogger logger, string store, string secret, int version, string state);

    [LoggerMessage(4203, LogLevel.Warning, "{Store}: Vault answered metadata of secret {Secret} without data.current_version; the secret is read on every refresh.")]
    private static partial void LogMalformedMetadata(ILogger logger, string store, string secret);

    [LoggerMessage(4202, LogLevel.Debug, "{Store}: KV version {Version}.")]
    private static partial void LogVersion(ILogger logger, string store, int version);
}
