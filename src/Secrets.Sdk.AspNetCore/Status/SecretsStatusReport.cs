using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Sdk.AspNetCore;

/// <summary>Builds the status document from the running sources: names, times, counts, fingerprints, error kinds; never a value.</summary>
internal sealed class SecretsStatusReport(SecretsStatusOptions options)
{
    private readonly VersionFingerprint _fingerprint = new(options.FingerprintKey);

    public SecretsStatusDocument Build(ISecretsManager manager, DateTimeOffset now)
    {
        var sources = manager.Sources.Select(s => Describe(s, now)).ToArray();
        var worst = sources.Length == 0 ? HealthStatus.Healthy : sources.Min(s => Enum.Parse<HealthStatus>(s.State));
        return new SecretsStatusDocument { GeneratedAt = now, Status = worst.ToString(), Sources = sources };
    }

    private SourceStatusDocument Describe(SecretSourceStatus source, DateTimeOffset now)
    {
        var health = SecretsHealthCheck.CheckSource(source, now);
        var messages = options.IncludeErrorMessages;
        return new SourceStatusDocument
        {
            Name = source.Name,
            Store = source.StoreName,
            State = health.Status.ToString(),
            Reason = messages ? health.Description : null,
            Optional = source.Optional,
            Loaded = source.IsLoaded,
            Loading = source.IsLoading,
            LastLoadAt = source.LastSuccessAt,
            LastAttemptAt = source.LastAttemptAt,
            ServingCachedFrom = source.ServingCachedFrom,
            AgeSeconds = source.LastSuccessAt is { } at ? Math.Round((now - at).TotalSeconds, 3) : null,
            ConsecutiveFailures = source.ConsecutiveFailures,
            LastErrorKind = source.LastErrorKind,
            LastError = messages ? source.LastError : null,
            SecretCount = source.SecretCount,
            KeyCount = source.KeyCount,
            Secrets = [.. source.Secrets.Select(s => new LoadedSecretDocument
            {
                Name = s.Name,
                Version = _fingerprint.Of(source.Name, s.Name, s.Version),
                LeaseExpiresAt = s.LeaseExpiresAt,
                LeaseExpiresInSeconds = s.LeaseExpiresAt is { } expires ? Math.Round((expires - now).TotalSeconds, 3) : null,
            })],
            FailingSecrets = [.. source.FailedSecrets.Select(name => new FailingSecretDocument
            {
                Name = name,
                ErrorKind = source.FailedSecretErrorKinds.GetValueOrDefault(name) ?? nameof(SecretErrorKind.Unknown),
                Error = messages ? source.FailedSecretErrors.GetValueOrDefault(name) : null,
            })],
        };
    }
}
