using System.Collections.Concurrent;
using System.Globalization;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Azure Key Vault as a secret store, over the real <see cref="SecretClient"/> (retries off: the engine's pipeline is the
/// one retry policy).
/// <list type="bullet">
/// <item><b>Discovery</b> (a name prefix, or neither prefix nor explicit secrets: the whole vault): one paged Get Secrets
/// listing per refresh (25 per page, <c>nextLink</c> followed with a repeated-token guard). The listing carries the
/// versionless id and the current version's attributes, so the fingerprint is the <c>updated</c> attribute (unix seconds)
/// and values are read only for secrets whose fingerprint moved.</item>
/// <item><b>Explicit</b> secrets: Key Vault has no properties-only call for one secret, so the cheapest check is one Get
/// Secret (1 transaction, which returns the value too); the value read by the check is handed to the engine when the
/// version id changed and dropped otherwise, so a change costs no second call. When the vault is listed anyway, explicit
/// secrets are checked from the listing at no extra cost. Pinned versions are immutable: read once, never checked again.</item>
/// <item>Disabled, expired (<c>exp</c> past) and not-yet-valid (<c>nbf</c> future) secrets are skipped with one log line each
/// (when they become skipped), never an error.</item>
/// </list>
/// </summary>
/// <remarks>
/// https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets,
/// https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret,
/// quota: https://learn.microsoft.com/azure/key-vault/general/service-limits (4,000 secret transactions per 10 s per vault).
/// </remarks>
internal sealed partial class AzureKeyVaultStore : ISecretStore
{
    /// <summary>The most listing pages one refresh follows (25 secrets each: 250,000 secrets) before it is an error.</summary>
    internal const int MaxPages = 10_000;

    private const string CheckList = "list";
    private const string CheckGet = "get";
    private const string CheckPinned = "pinned";

    private readonly SecretClient _client;
    private readonly AzureKeyVaultSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _vault;
    private readonly ConcurrentDictionary<string, Prefetched> _prefetched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _skipped = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _pinnedLoaded = new(StringComparer.Ordinal);

    public AzureKeyVaultStore(SecretClient client, AzureKeyVaultSourceOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _vault = client.VaultUri.Authority;
        Name = $"azure-keyvault:{_vault}:{options.NamePrefix ?? (options.Secrets.Count > 0 ? "explicit" : "all")}";
    }

    public string Name { get; }

    /// <summary>Gets 1: Key Vault has no batch read; the engine runs reads <see cref="SecretSourceOptions.MaxConcurrency"/> at a time.</summary>
    public int MaxBatchSize => 1;

    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        _prefetched.Clear();
        var skippedNow = new ConcurrentDictionary<string, byte>(StringComparer.OrdinalIgnoreCase);
        var list = new List<SecretMetadata>();
        Dictionary<string, SecretProperties>? listed = null;
        if (_options.Discovers)
        {
            listed = await ListVaultAsync(cancellationToken).ConfigureAwait(false);
            var named = new HashSet<string>(_options.Secrets.Where(s => s.Version is null).Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
            var prefix = _options.NamePrefix ?? string.Empty;
            foreach (var properties in listed.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (!properties.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || properties.Name.Length == prefix.Length || named.Contains(properties.Name))
                {
                    continue; // Key Vault lists the whole vault: keep what was asked for; an explicit entry wins over discovery.
                }

                if (!Skip(properties, skippedNow))
                {
                    var key = properties.Name[prefix.Length..].Replace("--", ":", StringComparison.Ordinal);
                    list.Add(Describe(properties, properties.Name, key, CheckList, optional: false));
                }
            }
        }

        var references = _options.Secrets;
        var checkedSecrets = new SecretMetadata?[references.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, references.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => checkedSecrets[i] = await CheckAsync(references[i], listed, skippedNow, ct).ConfigureAwait(false)).ConfigureAwait(false);
        list.AddRange(checkedSecrets.OfType<SecretMetadata>());

        foreach (var name in _skipped.Keys)
        {
            if (!skippedNow.ContainsKey(name))
            {
                _skipped.TryRemove(name, out _); // Skipped no longer: log again if it is skipped again later.
            }
        }

        return list;
    }

    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var requested in secrets)
        {
            if (_prefetched.TryRemove(requested.Name, out var prefetched))
            {
                if (prefetched.Error is { } error)
                {
                    // A transient failure of the check is thrown so the engine's pipeline retries this one read (with a real call).
                    results.Add(error.IsTransient ? throw error : SecretReadResult.Failure(requested, error));
                }
                else
                {
                    results.Add(ToResult(requested, prefetched.Secret!, answeredAt: null));
                }

                continue;
            }

            var name = SecretName(requested);
            var version = Check(requested) == CheckPinned ? requested.Version : null;
            try
            {
                var secret = await CallAsync(name, () => _client.GetSecretAsync(name, version, cancellationToken), cancellationToken).ConfigureAwait(false);
                results.Add(ToResult(requested, secret.Value, secret.GetRawResponse().Headers.Date));
            }
            catch (SecretStoreException ex) when (!ex.IsTransient)
            {
                results.Add(SecretReadResult.Failure(requested, ex));
            }
        }

        return results;
    }

    /// <summary>The fingerprint: the <c>updated</c> attribute for listed secrets (the listing has no version ids), else the version id.</summary>
    internal static string? Fingerprint(SecretProperties properties, string check) => check == CheckList
        ? properties.UpdatedOn is { } updated ? "updated:" + updated.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : null
        : properties.Version;

    private static string SecretName(SecretMetadata metadata) => metadata.StoreData is AzureSecretHandle handle ? handle.SecretName : metadata.Name;

    private static string Check(SecretMetadata metadata) => metadata.StoreData is AzureSecretHandle handle ? handle.ChangeCheck : CheckGet;

    private async Task<Dictionary<string, SecretProperties>> ListVaultAsync(CancellationToken cancellationToken)
    {
        var listed = new Dictionary<string, SecretProperties>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var pages = 0;
            string? previous = null;
            await foreach (var page in _client.GetPropertiesOfSecretsAsync(cancellationToken).AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (++pages > MaxPages)
                {
                    throw new SecretStoreException($"Key Vault {_vault}: the secret listing has more than {MaxPages} pages; it is not followed further.", SecretErrorKind.InvalidResponse, Name);
                }

                foreach (var properties in page.Values)
                {
                    listed[properties.Name] = properties;
                }

                if (page.ContinuationToken is { } token && token == previous)
                {
                    throw new SecretStoreException($"Key Vault {_vault}: the secret listing repeated its nextLink; paging stopped.", SecretErrorKind.InvalidResponse, Name);
                }

                previous = page.ContinuationToken;
            }
        }
        catch (Exception ex) when (ex is not SecretStoreException && Mappable(ex, cancellationToken))
        {
            throw KeyVaultErrors.Map(ex, _vault, Name, null, _time);
        }

        return listed;
    }

    private async Task<SecretMetadata?> CheckAsync(AzureSecretReference reference, Dictionary<string, SecretProperties>? listed, ConcurrentDictionary<string, byte> skippedNow, CancellationToken cancellationToken)
    {
        var name = reference.Version is null ? reference.Name : $"{reference.Name}/{reference.Version}";
        var key = reference.Section ?? reference.Name.Replace("--", ":", StringComparison.Ordinal);
        if (reference.Version is { } pinned && _pinnedLoaded.ContainsKey(name))
        {
            return new SecretMetadata(name) { Version = pinned, ConfigurationKey = key, StoreData = new AzureSecretHandle(reference.Name, CheckPinned), Optional = reference.Optional };
        }

        if (reference.Version is null && listed is not null)
        {
            if (listed.TryGetValue(reference.Name, out var properties))
            {
                return Skip(properties, skippedNow) ? null : Describe(properties, name, key, CheckList, reference.Optional);
            }

            return Failed(reference, name, key, new SecretStoreException(
                $"Key Vault {_vault}: not found for secret '{reference.Name}' (not in the vault's listing).", SecretErrorKind.NotFound, Name, reference.Name));
        }

        KeyVaultSecret secret;
        try
        {
            secret = (await CallAsync(reference.Name, () => _client.GetSecretAsync(reference.Name, reference.Version, cancellationToken), cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (SecretStoreException ex)
        {
            if (ex.Kind == SecretErrorKind.Disabled)
            {
                skippedNow[reference.Name] = 0;
                LogSkipOnce(reference.Name, "disabled");
                return null;
            }

            return Failed(reference, name, key, ex);
        }

        if (Skip(secret.Properties, skippedNow))
        {
            return null;
        }

        _prefetched[name] = new Prefetched(secret, null);
        return Describe(secret.Properties, name, key, reference.Version is null ? CheckGet : CheckPinned, reference.Optional);
    }

    /// <summary>An explicit secret whose check failed: optional and permanent ⇒ skipped; otherwise listed without a fingerprint so the engine's read reports the failure for this one secret.</summary>
    private SecretMetadata? Failed(AzureSecretReference reference, string name, string key, SecretStoreException error)
    {
        if (reference.Optional && !error.IsTransient)
        {
            LogOptionalMissing(_logger, Name, reference.Name, error.Kind.ToString());
            return null;
        }

        _prefetched[name] = new Prefetched(null, error);
        return new SecretMetadata(name)
        {
            ConfigurationKey = key,
            StoreData = new AzureSecretHandle(reference.Name, reference.Version is null ? CheckGet : CheckPinned),
            Version = null,
            Optional = reference.Optional,
        };
    }

    /// <summary>
    /// Builds the read result. For a listed secret, <paramref name="answeredAt"/> (the answer's <c>Date</c>) guards the
    /// one-second resolution of <c>updated</c>: a value read in the same second it was written may be followed by another
    /// write with the same <c>updated</c>, so its fingerprint is marked unsettled and the next refresh reads it once more.
    /// </summary>
    private SecretReadResult ToResult(SecretMetadata requested, KeyVaultSecret secret, DateTimeOffset? answeredAt)
    {
        var check = Check(requested);
        var properties = secret.Properties;
        var fingerprint = Fingerprint(properties, check);
        if (check == CheckList && fingerprint is not null && answeredAt is { } date && properties.UpdatedOn is { } updated
            && date.ToUnixTimeSeconds() <= updated.ToUnixTimeSeconds())
        {
            fingerprint += ":unsettled";
        }

        var metadata = requested with
        {
            Version = fingerprint ?? requested.Version,
            ContentType = properties.ContentType,
            UpdatedOn = properties.UpdatedOn,
            ExpiresOn = properties.ExpiresOn,
        };
        if (check == CheckPinned)
        {
            _pinnedLoaded[requested.Name] = 0;
        }

        return SecretReadResult.Success(requested, new Secret(metadata, SecretValue.FromText(secret.Value ?? string.Empty)));
    }

    /// <summary>Returns whether a secret is skipped (disabled, expired or not yet valid), logging once when it becomes so.</summary>
    private bool Skip(SecretProperties properties, ConcurrentDictionary<string, byte> skippedNow)
    {
        var now = _time.GetUtcNow();
        var reason = properties.Enabled == false ? "disabled"
            : properties.ExpiresOn is { } expires && expires <= now ? "expired"
            : properties.NotBefore is { } notBefore && notBefore > now ? "not yet valid"
            : null;
        if (reason is null)
        {
            return false;
        }

        skippedNow[properties.Name] = 0;
        LogSkipOnce(properties.Name, reason);
        return true;
    }

    private void LogSkipOnce(string secret, string reason)
    {
        if (!_skipped.TryGetValue(secret, out var logged) || logged != reason)
        {
            _skipped[secret] = reason;
            LogSkipped(_logger, Name, secret, reason);
        }
    }

    private SecretMetadata Describe(SecretProperties properties, string name, string key, string check, bool optional) => new(name)
    {
        Version = Fingerprint(properties, check),
        UpdatedOn = properties.UpdatedOn,
        Enabled = properties.Enabled ?? true,
        ExpiresOn = properties.ExpiresOn,
        ContentType = properties.ContentType,
        ConfigurationKey = key,
        StoreData = new AzureSecretHandle(properties.Name, check),
        Tags = VendorTags(properties.Tags),
        Optional = optional,
    };

    private static Dictionary<string, string> VendorTags(IDictionary<string, string>? own)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in own ?? new Dictionary<string, string>())
        {
            tags[name] = value ?? string.Empty;
        }

        return tags;
    }

    private async Task<T> CallAsync<T>(string? secretName, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Mappable(ex, cancellationToken))
        {
            throw KeyVaultErrors.Map(ex, _vault, Name, secretName, _time);
        }
    }

    private static bool Mappable(Exception exception, CancellationToken cancellationToken) =>
        exception is not SecretStoreException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    [LoggerMessage(6001, LogLevel.Information, "{Store}: secret {Secret} is {Reason}; it is skipped.")]
    private static partial void LogSkipped(ILogger logger, string store, string secret, string reason);

    [LoggerMessage(6002, LogLevel.Warning, "{Store}: optional secret {Secret} is not available ({Kind}); it is skipped.")]
    private static partial void LogOptionalMissing(ILogger logger, string store, string secret, string kind);

    /// <summary>What an explicit secret's check returned: the secret (value included) or the error, for the engine's read of the same refresh.</summary>
    private sealed record Prefetched(KeyVaultSecret? Secret, SecretStoreException? Error);
}
