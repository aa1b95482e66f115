using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// Secret Manager as a secret store, shaped by its quotas: 90,000 <c>versions.access</c> calls per minute per project, but
/// only 600 metadata reads (<c>secrets.list</c>, <c>secrets.get</c>, <c>versions.get</c>) per minute.
/// <list type="bullet">
/// <item>Discovery (<c>secrets.list</c> with the filter, paged) runs on its own <see cref="GcpSecretManagerSourceOptions.DiscoveryInterval"/>
/// (default 1 hour; the first one after startup spread over the whole interval, see <see cref="DiscoverySchedule"/>);
/// between discoveries the last list is reused, so a refresh makes no metadata read at all.</item>
/// <item>A secret read at <c>latest</c> or an alias has no change signal cheaper than its value: <c>versions.get</c> would spend
/// the scarce read quota to learn what one <c>access</c> call (the plentiful quota) returns anyway. So its version
/// fingerprint is left unknown and the engine accesses it once per refresh, compares, and fires nothing when the value is
/// the same: at most one call per secret.</item>
/// <item>A secret pinned to a version number never changes: its number is its fingerprint, so after the first read it costs nothing.</item>
/// </list>
/// Every payload is checked against its <c>dataCrc32c</c>; a mismatch fails that secret only.
/// </summary>
internal sealed partial class GcpSecretManagerStore : ISecretStore, IDisposable
{
    private const string Latest = GcpSecretManagerSourceOptions.LatestVersion;
    private readonly SecretManagerClient _client;
    private readonly GcpSecretManagerSourceOptions _options;
    private readonly Func<CancellationToken, Task<string>> _resolveProject;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _latestFallbacks = new(StringComparer.Ordinal);
    private string? _project;
    private GcpProjectMatcher? _matcher;
    private readonly DiscoverySchedule _discovery;
    private List<SecretMetadata>? _discovered;
    private bool _discoveryFailing;

    public GcpSecretManagerStore(SecretManagerClient client, GcpSecretManagerSourceOptions options, string? knownProject, Func<CancellationToken, Task<string>> resolveProject, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _resolveProject = resolveProject;
        _time = time;
        _logger = logger;
        _discovery = new DiscoverySchedule(options.DiscoveryInterval, options.DiscoveryJitter, () => Random());
        var where = options.Location is null ? knownProject ?? "(default project)" : $"{knownProject ?? "(default project)"}/{options.Location}";
        Name = $"gcp-secretmanager:{where}";
    }

    public string Name { get; }

    /// <summary>Gets 1: each access is its own call, retried on its own; the engine runs <c>MaxConcurrency</c> of them at once.</summary>
    public int MaxBatchSize => 1;

    /// <summary>Gets or sets the source of randomness for the discovery jitter (uniform in [0, 1)); tests replace it.</summary>
    internal Func<double> Random { get; set; } = System.Random.Shared.NextDouble;

    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        await EnsureProjectAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<SecretMetadata>();
        foreach (var reference in _options.Secrets)
        {
            list.Add(Explicit(reference));
        }

        if (_options.Discovers)
        {
            list.AddRange(await DiscoverAsync(cancellationToken).ConfigureAwait(false));
        }

        return list;
    }

    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        await EnsureProjectAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var secret in secrets)
        {
            try
            {
                results.Add(await ReadAsync(secret, cancellationToken).ConfigureAwait(false));
            }
            catch (SecretStoreException ex) when (!ex.IsTransient)
            {
                if (ex.ErrorCode == SecretManagerClient.IntegrityErrorCode)
                {
                    LogIntegrityFailure(_logger, Name, SecretId(secret));
                }

                results.Add(SecretReadResult.Failure(secret, ex));
            }
        }

        return results;
    }

    public void Dispose()
    {
        _client.Dispose();
        _discoveryGate.Dispose();
    }

    private async Task<SecretReadResult> ReadAsync(SecretMetadata secret, CancellationToken cancellationToken)
    {
        var id = SecretId(secret);
        var version = secret.StoreData is GcpSecretHandle handle ? handle.RequestedVersion : Latest;
        var parent = GcpResourceNames.Parent(_project!, _options.Location);
        (string Name, byte[] Data) read;
        try
        {
            read = await _client.AccessAsync(parent, id, version, _options.AllowMissingChecksum, cancellationToken).ConfigureAwait(false);
            if (version == Latest)
            {
                _latestFallbacks.TryRemove(id, out _);
            }
        }
        catch (SecretStoreException ex) when (version == Latest && ex.ErrorCode == "FAILED_PRECONDITION")
        {
            read = await AccessNewestEnabledAsync(parent, id, ex, cancellationToken).ConfigureAwait(false);
        }

        if (!GcpResourceNames.TryParse(read.Name, out var parsed) || parsed.SecretId != id || parsed.Version is null || !_matcher!.Matches(parsed))
        {
            throw new SecretStoreException($"GCP Secret Manager answered an access of secret '{id}' with version '{read.Name}', which is not a version of that secret in project '{_project}'.", SecretErrorKind.InvalidResponse, Name, id);
        }

        return SecretReadResult.Success(secret, new Secret(secret with { Version = parsed.Version }, SecretValue.FromBytes(read.Data)));
    }

    /// <summary>
    /// The newest version is DISABLED or DESTROYED, and the API's <c>latest</c> is simply the newest version
    /// (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access), so read the newest
    /// ENABLED one instead. It is found with <c>versions.list</c> (a scarce metadata read) and remembered until the next
    /// discovery, until <c>latest</c> is readable again, or until the remembered version stops being readable.
    /// </summary>
    private async Task<(string Name, byte[] Data)> AccessNewestEnabledAsync(string parent, string id, SecretStoreException latestError, CancellationToken cancellationToken)
    {
        if (_latestFallbacks.TryGetValue(id, out var remembered))
        {
            try
            {
                return await _client.AccessAsync(parent, id, remembered.ToString(CultureInfo.InvariantCulture), _options.AllowMissingChecksum, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException ex) when (ex.ErrorCode == "FAILED_PRECONDITION" || ex.Kind == SecretErrorKind.NotFound)
            {
                _latestFallbacks.TryRemove(id, out _);
            }
        }

        var enabled = await _client.NewestEnabledVersionAsync(parent, id, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretStoreException($"Secret '{id}' has no ENABLED version ({latestError.Message}).", SecretErrorKind.Disabled, Name, id, latestError.Status, latestError.ErrorCode, innerException: latestError);
        _latestFallbacks[id] = enabled;
        LogLatestFallback(_logger, Name, id, enabled);
        return await _client.AccessAsync(parent, id, enabled.ToString(CultureInfo.InvariantCulture), _options.AllowMissingChecksum, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<SecretMetadata>> DiscoverAsync(CancellationToken cancellationToken)
    {
        await _discoveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_discovered is not null && !_discovery.IsDue(now))
            {
                return _discovered;
            }

            List<SecretResource> resources;
            try
            {
                resources = await _client.ListSecretsAsync(GcpResourceNames.Parent(_project!, _options.Location), _options.Filter, _options.PageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException ex) when (_discovered is not null)
            {
                // Discovery is a metadata read from a small quota; values are still checked with the last list.
                if (!_discoveryFailing)
                {
                    _discoveryFailing = true;
                    LogDiscoveryFailed(_logger, Name, ex.Kind.ToString(), ex.Message);
                }

                return _discovered;
            }

            _discoveryFailing = false;
            var discovered = new List<SecretMetadata>(resources.Count);
            foreach (var resource in resources)
            {
                if (!GcpResourceNames.TryParse(resource.Name, out var parsed) || parsed.Version is not null || !_matcher!.Matches(parsed))
                {
                    throw new SecretStoreException($"GCP Secret Manager listed '{resource.Name}', which is not a secret of project '{_project}'{(_options.Location is null ? string.Empty : " in " + _options.Location)}.", SecretErrorKind.InvalidResponse, Name);
                }

                discovered.Add(Discovered(parsed.SecretId, resource));
            }

            _discovered = discovered;
            _latestFallbacks.Clear();
            _discovery.Discovered(now);
            return discovered;
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    private static SecretMetadata Explicit(GcpSecretReference reference)
    {
        var name = reference.Version == Latest ? reference.SecretId : $"{reference.SecretId}@{reference.Version}";
        return new SecretMetadata(name)
        {
            Version = reference.IsPinned ? reference.Version : null,
            VersionStage = reference.Version,
            Optional = reference.Optional,

            // The key comes from the secret id (not the name, which may carry "@version"), by GCP's "__" convention.
            ConfigurationKey = reference.Section ?? reference.SecretId.Replace("__", ":", StringComparison.Ordinal),
            StoreData = new GcpSecretHandle(reference.SecretId, reference.Version),
        };
    }

    private static SecretMetadata Discovered(string secretId, SecretResource resource)
    {
        return new SecretMetadata(secretId)
        {
            Version = null, // the value itself is the change signal: see the class remarks
            VersionStage = Latest,
            UpdatedOn = resource.CreateTime,
            ExpiresOn = resource.ExpireTime,
            Tags = resource.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal),
            StoreData = new GcpSecretHandle(secretId, Latest),
        };
    }

    private async ValueTask EnsureProjectAsync(CancellationToken cancellationToken)
    {
        if (_matcher is not null)
        {
            return;
        }

        var project = await _resolveProject(cancellationToken).ConfigureAwait(false);
        _project = project;
        _matcher = new GcpProjectMatcher(project, _options.Location);
    }

    private static string SecretId(SecretMetadata secret) => secret.StoreData is GcpSecretHandle handle ? handle.SecretId : secret.Name;

    [LoggerMessage(5101, LogLevel.Error, "{Store}: secret {Secret} failed its CRC32C integrity check; it is kept out of configuration.")]
    private static partial void LogIntegrityFailure(ILogger logger, string store, string secret);

    [LoggerMessage(5102, LogLevel.Warning, "{Store}: discovery (secrets.list) failed ({Kind}: {Reason}); values are still checked using the last list.")]
    private static partial void LogDiscoveryFailed(ILogger logger, string store, string kind, string reason);

    [LoggerMessage(5103, LogLevel.Warning, "{Store}: the newest version of secret {Secret} is disabled or destroyed; using version {Version}, the newest enabled one.")]
    private static partial void LogLatestFallback(ILogger logger, string store, string secret, long version);
}
