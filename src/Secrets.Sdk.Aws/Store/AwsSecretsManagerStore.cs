using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Aws;

/// <summary>
/// Secrets Manager as a secret store, shaped by its quotas (per account and region: <c>ListSecrets</c> and
/// <c>BatchGetSecretValue</c> 100 requests per second, <c>GetSecretValue</c> 10,000, <c>DescribeSecret</c> 40,000).
/// Discovery: ListSecrets (name prefix and tag filters, paged) at startup and then on its own
/// <see cref="AwsSecretsManagerSourceOptions.DiscoveryInterval"/> (<see cref="DiscoverySchedule"/>: the first one after
/// startup spread over the whole interval); between discoveries every refresh checks each discovered secret with
/// DescribeSecret, like explicit secrets. The version id holding the wanted stage is the version fingerprint, so the
/// engine reads values only when it changes. Values: BatchGetSecretValue (20 ids a call), falling back to
/// GetSecretValue when batch reads are denied, for a single secret, or when a non-current stage is asked for.
/// </summary>
/// <remarks>
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html,
/// .../API_DescribeSecret.html, .../API_BatchGetSecretValue.html, .../API_GetSecretValue.html;
/// quotas: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html.
/// </remarks>
internal sealed partial class AwsSecretsManagerStore : ISecretStore, IDisposable
{
    /// <summary>Secrets per BatchGetSecretValue call (the API's maximum).</summary>
    internal const int BatchSize = 20;

    /// <summary>Secrets per ListSecrets page (the API's maximum).</summary>
    internal const int ListPageSize = 100;

    private const string Current = "AWSCURRENT";
    private readonly SecretsManagerClient _client;
    private readonly AwsSecretsManagerSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DiscoverySchedule _discovery;
    private List<(string SecretId, string Key)>? _discovered;
    private bool _discoveryFailing;
    private volatile bool _batchDenied;

    public AwsSecretsManagerStore(SecretsManagerClient client, AwsSecretsManagerSourceOptions options, ILogger logger, TimeProvider? time = null, Func<double>? random = null)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _discovery = new DiscoverySchedule(options.DiscoveryInterval, options.DiscoveryJitter, random);
        Name = $"aws-secretsmanager:{client.Region}:{options.NamePrefix ?? "explicit"}";
    }

    public string Name { get; }

    public int MaxBatchSize => BatchSize;

    /// <summary>
    /// Lists the source's secrets. Passes of one source never overlap (the engine's single flight), so the discovery state
    /// needs no lock.
    /// </summary>
    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        var list = new List<SecretMetadata>();
        if (_options.Discovers)
        {
            list.AddRange(await DiscoveredAsync(cancellationToken).ConfigureAwait(false));
        }

        var references = _options.Secrets;
        list.AddRange(await DescribeAllAsync(references.Count, (i, ct) => DescribeAsync(references[i], ct), cancellationToken).ConfigureAwait(false));
        return list;
    }

    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        var results = new List<SecretReadResult>(secrets.Count);
        var batchable = secrets.Where(s => (s.VersionStage ?? Current) == Current).ToList();
        var single = secrets.Where(s => (s.VersionStage ?? Current) != Current).ToList();
        if (batchable.Count > 1 && !_batchDenied)
        {
            try
            {
                results.AddRange(await BatchAsync(batchable, cancellationToken).ConfigureAwait(false));
                batchable.Clear();
            }
            catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.AccessDenied)
            {
                _batchDenied = true; // No secretsmanager:BatchGetSecretValue permission: read one by one from now on.
                LogBatchDenied(_logger, Name);
            }
        }

        foreach (var secret in batchable.Concat(single))
        {
            results.Add(await GetOneAsync(secret, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Lists when discovery is due (always at the first pass); otherwise, or when a later listing fails, checks the last
    /// discovered secrets with one DescribeSecret each. A discovered secret that no longer exists is dropped.
    /// </summary>
    private async Task<IReadOnlyList<SecretMetadata>> DiscoveredAsync(CancellationToken cancellationToken)
    {
        if (_discovered is null || _discovery.IsDue(_time.GetUtcNow()))
        {
            var found = new List<SecretMetadata>();
            var ids = new List<(string SecretId, string Key)>();
            try
            {
                await DiscoverAsync(found, ids, cancellationToken).ConfigureAwait(false);
                _discovered = ids;
                _discovery.Discovered(_time.GetUtcNow());
                _discoveryFailing = false;
                return found;
            }
            catch (SecretStoreException ex) when (_discovered is not null)
            {
                // ListSecrets has the small quota; values are still checked with the last list (DescribeSecret).
                if (!_discoveryFailing)
                {
                    _discoveryFailing = true;
                    LogDiscoveryFailed(_logger, Name, ex.Kind.ToString(), ex.Message);
                }
            }
        }

        var discovered = _discovered;
        return await DescribeAllAsync(discovered.Count, (i, ct) => CheckDiscoveredAsync(discovered[i].SecretId, discovered[i].Key, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="count"/> describes, <see cref="SecretSourceOptions.MaxConcurrency"/> at a time; results in order.</summary>
    private async Task<IReadOnlyList<SecretMetadata>> DescribeAllAsync(int count, Func<int, CancellationToken, Task<SecretMetadata?>> describe, CancellationToken cancellationToken)
    {
        var described = new SecretMetadata?[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => described[i] = await describe(i, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. described.OfType<SecretMetadata>()];
    }

    /// <summary>The version check of a discovered secret between discoveries; null when it was deleted meanwhile.</summary>
    private async Task<SecretMetadata?> CheckDiscoveredAsync(string secretId, string key, CancellationToken cancellationToken)
    {
        SecretListEntry entry;
        try
        {
            entry = await DescribeSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.NotFound)
        {
            LogDiscoveredGone(_logger, Name, secretId);
            return null;
        }

        if (entry.DeletedDate is not null)
        {
            LogScheduledForDeletion(_logger, Name, secretId);
            return null;
        }

        return Describe(secretId, secretId, Current, StageVersion(entry.VersionIdsToStages, Current), entry, key, optional: false);
    }

    private Task<SecretListEntry> DescribeSecretAsync(string secretId, CancellationToken cancellationToken) =>
        _client.SendAsync("DescribeSecret", new DescribeSecretRequest { SecretId = secretId }, SecretsManagerJsonContext.Default.DescribeSecretRequest, SecretsManagerJsonContext.Default.SecretListEntry, secretId, cancellationToken);

    private async Task DiscoverAsync(List<SecretMetadata> list, List<(string SecretId, string Key)> ids, CancellationToken cancellationToken)
    {
        var filters = new List<SecretsManagerFilter>();
        if (_options.NamePrefix is { } prefix)
        {
            filters.Add(new SecretsManagerFilter { Key = "name", Values = [prefix] });
        }

        foreach (var (key, value) in _options.TagFilters)
        {
            filters.Add(new SecretsManagerFilter { Key = "tag-key", Values = [key] });
            if (value is not null)
            {
                filters.Add(new SecretsManagerFilter { Key = "tag-value", Values = [value] });
            }
        }

        // A repeated NextToken, or more than MaxPages pages, is an error instead of a loop until the timeout.
        var guard = _client.Http.CreatePageGuard(new BackendOperation("ListSecrets"));
        string? next = null;
        do
        {
            var page = await _client.SendAsync("ListSecrets", new ListSecretsRequest { Filters = filters, MaxResults = ListPageSize, NextToken = next, IncludePlannedDeletion = false }, SecretsManagerJsonContext.Default.ListSecretsRequest, SecretsManagerJsonContext.Default.ListSecretsResponse, null, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.SecretList ?? [])
            {
                if (entry.Name is not { } name || (_options.NamePrefix is { } p && !name.StartsWith(p, StringComparison.Ordinal)))
                {
                    continue; // The name filter matches prefixes; keep exactly what was asked for.
                }

                if (entry.DeletedDate is not null)
                {
                    LogScheduledForDeletion(_logger, Name, name);
                    continue;
                }

                var key = name[(_options.NamePrefix?.Length ?? 0)..].Trim('/').Replace('/', ':');
                list.Add(Describe(name, name, Current, StageVersion(entry.SecretVersionsToStages, Current), entry, key, optional: false));
                ids.Add((name, key));
            }

            next = page.NextToken;
        }
        while (guard.Continue(next));
    }

    private async Task<SecretMetadata?> DescribeAsync(AwsSecretReference reference, CancellationToken cancellationToken)
    {
        SecretListEntry entry;
        try
        {
            entry = await DescribeSecretAsync(reference.SecretId, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (reference.Optional && !ex.IsTransient)
        {
            LogOptionalMissing(_logger, Name, reference.SecretId, ex.Kind.ToString());
            return null;
        }

        if (entry.DeletedDate is not null)
        {
            LogScheduledForDeletion(_logger, Name, reference.SecretId);
            return null;
        }

        var name = reference.VersionStage == Current && reference.VersionId is null ? reference.SecretId : $"{reference.SecretId}#{reference.VersionId ?? reference.VersionStage}";
        var version = reference.VersionId ?? StageVersion(entry.VersionIdsToStages, reference.VersionStage);
        var key = reference.Section ?? reference.SecretId.Replace('/', ':');
        return Describe(name, reference.SecretId, reference.VersionStage, version, entry, key, reference.Optional) with { };
    }

    private SecretMetadata Describe(string name, string secretId, string stage, string? version, SecretListEntry entry, string key, bool optional)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in entry.Tags ?? [])
        {
            if (tag.Key is { } k)
            {
                tags[k] = tag.Value ?? string.Empty;
            }
        }

        return new SecretMetadata(name)
        {
            Version = version,
            VersionStage = stage,
            UpdatedOn = entry.LastChangedDate is { } changed ? DateTimeOffset.FromUnixTimeMilliseconds((long)(changed * 1000)) : null,
            Tags = tags,
            Optional = optional,
            ConfigurationKey = key,
            StoreData = new AwsSecretHandle(secretId),
        };
    }

    private async Task<IReadOnlyList<SecretReadResult>> BatchAsync(List<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        var ids = secrets.Select(SecretId).ToList();
        var response = await _client.SendAsync("BatchGetSecretValue", new BatchGetSecretValueRequest { SecretIdList = ids }, SecretsManagerJsonContext.Default.BatchGetSecretValueRequest, SecretsManagerJsonContext.Default.BatchGetSecretValueResponse, null, cancellationToken).ConfigureAwait(false);
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var secret in secrets)
        {
            var id = SecretId(secret);
            var value = response.SecretValues?.FirstOrDefault(v => v.Name == id || v.ARN == id);
            var error = response.Errors?.FirstOrDefault(e => e.SecretId == id);
            if (value is not null)
            {
                results.Add(ToResult(secret, value, "BatchGetSecretValue"));
            }
            else if (error?.ErrorCode is { } code)
            {
                results.Add(SecretReadResult.Failure(secret, new SecretStoreException(
                    $"AWS Secrets Manager could not return secret '{id}': {code} {error.Message}".TrimEnd(),
                    SecretsManagerClient.Classify(code, 400),
                    Name,
                    id,
                    errorCode: code)));
            }
            else
            {
                results.Add(SecretReadResult.Failure(secret, _client.Http.InvalidResponse(new BackendOperation("BatchGetSecretValue", id), "returned neither a value nor an error for the secret")));
            }
        }

        return results;
    }

    private async Task<SecretReadResult> GetOneAsync(SecretMetadata secret, CancellationToken cancellationToken)
    {
        var id = SecretId(secret);
        var stage = secret.VersionStage ?? Current;
        var pinned = secret.Name.Contains('#', StringComparison.Ordinal) && !secret.Name.EndsWith("#" + stage, StringComparison.Ordinal) ? secret.Version : null;
        try
        {
            var value = await _client.SendAsync("GetSecretValue", new GetSecretValueRequest { SecretId = id, VersionId = pinned, VersionStage = pinned is null ? stage : null }, SecretsManagerJsonContext.Default.GetSecretValueRequest, SecretsManagerJsonContext.Default.SecretValueEntry, id, cancellationToken).ConfigureAwait(false);
            return ToResult(secret, value, "GetSecretValue");
        }
        catch (SecretStoreException ex) when (!ex.IsTransient)
        {
            return SecretReadResult.Failure(secret, ex);
        }
    }

    /// <summary>One secret's value, or its own failure: a malformed item never fails the rest of its batch.</summary>
    private SecretReadResult ToResult(SecretMetadata requested, SecretValueEntry entry, string operation)
    {
        var call = new BackendOperation(operation, SecretId(requested));
        var metadata = requested with { Version = entry.VersionId ?? requested.Version };
        try
        {
            if (entry.SecretString is { } text)
            {
                return SecretReadResult.Success(requested, new Secret(metadata, _client.Http.ReadSecretText(text, call, "SecretString")));
            }

            if (entry.SecretBinary is { } binary)
            {
                return SecretReadResult.Success(requested, new Secret(metadata with { ContentType = "application/octet-stream" }, _client.Http.ReadSecretBase64(binary, call, "SecretBinary")));
            }

            throw _client.Http.InvalidResponse(call, "returned neither SecretString nor SecretBinary");
        }
        catch (SecretStoreException ex)
        {
            return SecretReadResult.Failure(requested, ex);
        }
    }

    private static string SecretId(SecretMetadata secret) => secret.StoreData is AwsSecretHandle handle ? handle.SecretId : secret.Name;

    private static string? StageVersion(Dictionary<string, List<string>>? stages, string stage) =>
        stages?.FirstOrDefault(kv => kv.Value.Contains(stage)).Key;

    [LoggerMessage(5001, LogLevel.Information, "{Store}: secret {Secret} is scheduled for deletion; it is skipped.")]
    private static partial void LogScheduledForDeletion(ILogger logger, string store, string secret);

    [LoggerMessage(5002, LogLevel.Warning, "{Store}: BatchGetSecretValue is denied; reading secrets one by one with GetSecretValue.")]
    private static partial void LogBatchDenied(ILogger logger, string store);

    [LoggerMessage(5003, LogLevel.Warning, "{Store}: optional secret {Secret} is not available ({Kind}); it is skipped.")]
    private static partial void LogOptionalMissing(ILogger logger, string store, string secret, string kind);

    [LoggerMessage(5004, LogLevel.Warning, "{Store}: discovery (ListSecrets) failed ({Kind}: {Reason}); the last discovered secrets are still checked with DescribeSecret.")]
    private static partial void LogDiscoveryFailed(ILogger logger, string store, string kind, string reason);

    [LoggerMessage(5005, LogLevel.Information, "{Store}: discovered secret {Secret} no longer exists; it is removed.")]
    private static partial void LogDiscoveredGone(ILogger logger, string store, string secret);
}
