using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Aws;

/// <summary>
/// Secrets Manager as a secret store. Discovery: ListSecrets (name prefix and tag filters, paged); explicit secrets:
/// DescribeSecret, which has a far higher quota than the value reads. The version id holding the wanted stage is the
/// version fingerprint, so the engine reads values only when it changes. Values: BatchGetSecretValue (20 ids a call),
/// falling back to GetSecretValue when batch reads are denied or a non-current stage is asked for.
/// </summary>
/// <remarks>
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html,
/// .../API_DescribeSecret.html, .../API_BatchGetSecretValue.html, .../API_GetSecretValue.html.
/// </remarks>
internal sealed partial class AwsSecretsManagerStore : ISecretStore, IDisposable
{
    private const string Current = "AWSCURRENT";
    private readonly SecretsManagerClient _client;
    private readonly AwsSecretsManagerSourceOptions _options;
    private readonly ILogger _logger;
    private volatile bool _batchDenied;

    public AwsSecretsManagerStore(SecretsManagerClient client, AwsSecretsManagerSourceOptions options, ILogger logger)
    {
        _client = client;
        _options = options;
        _logger = logger;
        Name = $"aws-secretsmanager:{client.Region}:{options.NamePrefix ?? "explicit"}";
    }

    public string Name { get; }

    public int MaxBatchSize => 20;

    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        var list = new List<SecretMetadata>();
        if (_options.NamePrefix is not null || _options.TagFilters.Count > 0)
        {
            await DiscoverAsync(list, cancellationToken).ConfigureAwait(false);
        }

        foreach (var reference in _options.Secrets)
        {
            var metadata = await DescribeAsync(reference, cancellationToken).ConfigureAwait(false);
            if (metadata is not null)
            {
                list.Add(metadata);
            }
        }

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

    private async Task DiscoverAsync(List<SecretMetadata> list, CancellationToken cancellationToken)
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
            var page = await _client.SendAsync("ListSecrets", new ListSecretsRequest { Filters = filters, MaxResults = 100, NextToken = next, IncludePlannedDeletion = false }, SecretsManagerJsonContext.Default.ListSecretsRequest, SecretsManagerJsonContext.Default.ListSecretsResponse, null, cancellationToken).ConfigureAwait(false);
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
            entry = await _client.SendAsync("DescribeSecret", new DescribeSecretRequest { SecretId = reference.SecretId }, SecretsManagerJsonContext.Default.DescribeSecretRequest, SecretsManagerJsonContext.Default.SecretListEntry, reference.SecretId, cancellationToken).ConfigureAwait(false);
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
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AwsTags.ConfigurationKey] = key,
            [AwsTags.SecretId] = secretId,
        };
        foreach (var tag in entry.Tags ?? [])
        {
            if (tag.Key is { } k)
            {
                tags["tag:" + k] = tag.Value ?? string.Empty;
            }
        }

        return new SecretMetadata(name)
        {
            Version = version,
            VersionStage = stage,
            UpdatedOn = entry.LastChangedDate is { } changed ? DateTimeOffset.FromUnixTimeMilliseconds((long)(changed * 1000)) : null,
            Tags = tags,
            Optional = optional,
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

    private static string SecretId(SecretMetadata secret) => secret.Tags.TryGetValue(AwsTags.SecretId, out var id) ? id : secret.Name;

    private static string? StageVersion(Dictionary<string, List<string>>? stages, string stage) =>
        stages?.FirstOrDefault(kv => kv.Value.Contains(stage)).Key;

    [LoggerMessage(5001, LogLevel.Information, "{Store}: secret {Secret} is scheduled for deletion; it is skipped.")]
    private static partial void LogScheduledForDeletion(ILogger logger, string store, string secret);

    [LoggerMessage(5002, LogLevel.Warning, "{Store}: BatchGetSecretValue is denied; reading secrets one by one with GetSecretValue.")]
    private static partial void LogBatchDenied(ILogger logger, string store);

    [LoggerMessage(5003, LogLevel.Warning, "{Store}: optional secret {Secret} is not available ({Kind}); it is skipped.")]
    private static partial void LogOptionalMissing(ILogger logger, string store, string secret, string kind);
}
