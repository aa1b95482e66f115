namespace Secrets.Sdk;

/// <summary>
/// Turns secrets into a source's configuration entries. Each secret is mapped on its own
/// (<see cref="MapSecret"/>): a value over the size limit, malformed JSON declared as JSON, invalid base64 declared as
/// base64, or JSON fields that collide (keys differing only by case) fail that secret alone. Only two different secrets
/// landing on one key fails the whole snapshot (<see cref="Build"/>), naming both.
/// </summary>
internal sealed class SnapshotBuilder(SecretSourceOptions options, string sourceName)
{
    /// <summary>
    /// Maps every read of a pass on its own: a secret that was not read, or cannot be mapped, becomes a failure while
    /// the others become updates.
    /// </summary>
    public MappedReads MapReads(IReadOnlyList<SecretReadOutcome> reads)
    {
        var mapped = new MappedReads(new(StringComparer.Ordinal), [], new(StringComparer.Ordinal), []);
        foreach (var (requested, secret, error) in reads)
        {
            if (secret is null)
            {
                mapped.Failures.Add((requested, error!));
                continue;
            }

            try
            {
                // A store that answers without a version keeps the listed one, so the next plan compares like with like.
                var metadata = secret.Metadata.Version is null && requested.Version is not null ? requested : secret.Metadata;
                mapped.Updates[requested.Name] = new LoadedSecret(metadata, MapSecret(secret), null);
                if (secret.Lease is { } lease)
                {
                    mapped.Minted[requested.Name] = lease;
                }
            }
            catch (SecretStoreException ex)
            {
                mapped.Failures.Add((requested, ex));
                if (secret.Lease is { } orphan)
                {
                    mapped.Orphaned.Add(orphan);
                }
            }
        }

        return mapped;
    }

    /// <summary>Maps one secret to its entries.</summary>
    /// <exception cref="SecretStoreException">The value cannot be mapped; the message names the reason, never the value.</exception>
    public KeyValuePair<string, string?>[] MapSecret(Secret secret)
    {
        if (secret.Value.Length > options.MaxSecretBytes)
        {
            throw Invalid(secret, $"its value is {secret.Value.Length} bytes, over the {nameof(SecretSourceOptions.MaxSecretBytes)} limit of {options.MaxSecretBytes}");
        }

        var key = SecretValueMapper.MapKey(secret.Metadata, options);
        if (key is null)
        {
            return [];
        }

        KeyValuePair<string, string?>[] entries;
        try
        {
            entries = SecretValueMapper.Map(key, secret, options);
        }
        catch (FormatException ex)
        {
            throw Invalid(secret, ex.Message);
        }

        if (entries.Length > 1)
        {
            var seen = new HashSet<string>(entries.Length, StringComparer.OrdinalIgnoreCase);
            foreach (var (entryKey, _) in entries)
            {
                if (!seen.Add(entryKey))
                {
                    throw Invalid(secret, $"two of its fields map to configuration key '{entryKey}' (configuration keys ignore case)");
                }
            }
        }

        return entries;
    }

    /// <summary>Merges every secret's entries (in name order) into one snapshot.</summary>
    /// <exception cref="SecretStoreException">Two secrets map to one key; the message names both and the key.</exception>
    public SecretSnapshot Build(IReadOnlyDictionary<string, LoadedSecret> secrets)
    {
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in secrets.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var (key, value) in secrets[name].Entries)
            {
                if (owners.TryGetValue(key, out var other))
                {
                    throw new SecretStoreException(
                        $"Secrets '{other}' and '{name}' of source '{sourceName}' both map to configuration key '{key}'. Rename one, or set a KeyMapper, KeyPrefix or Section.",
                        SecretErrorKind.InvalidRequest,
                        sourceName,
                        name);
                }

                owners[key] = name;
                values[key] = value;
            }
        }

        return SecretSnapshot.Own(values);
    }

    // The message gives the reason only: every place that reports it (status, health data, logs, a startup
    // exception) already names the secret and the source, so the text is never nested twice.
    private SecretStoreException Invalid(Secret secret, string reason) =>
        new($"The value cannot be mapped: {reason}.", SecretErrorKind.InvalidResponse, sourceName, secret.Name);
}
