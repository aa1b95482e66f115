namespace Secrets.Sdk.Cli;

/// <summary>
/// Default request quotas per operation (requests per second), as the vendors publish them, for the fleet estimate.
/// AWS: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html (per account and region).
/// Azure Key Vault: https://learn.microsoft.com/azure/key-vault/general/service-limits (secrets: 4,000 transactions per
/// 10 s per vault). GCP: https://cloud.google.com/secret-manager/quotas (per project: 90,000 access requests and 600
/// other reads per minute). Vault has no vendor quota (its rate-limit quotas are set by the operator).
/// </summary>
internal static class VendorQuotas
{
    private static readonly Dictionary<string, double> PerSecond = new(StringComparer.Ordinal)
    {
        ["GetSecretValue"] = 10_000,
        ["DescribeSecret"] = 40_000,
        ["ListSecrets"] = 100,
        ["BatchGetSecretValue"] = 100,
        ["secrets"] = 400,
        ["versions.access"] = 90_000 / 60.0,
        ["metadata"] = 600 / 60.0,
    };

    /// <summary>Returns the quota of <paramref name="operation"/> in requests per second, if the vendor publishes one.</summary>
    /// <param name="operation">The operation (see <see cref="HttpObservations.OperationOf"/>).</param>
    /// <returns>The quota, or <see langword="null"/>.</returns>
    public static double? Of(string operation) => PerSecond.TryGetValue(operation, out var quota) ? quota : null;
}
