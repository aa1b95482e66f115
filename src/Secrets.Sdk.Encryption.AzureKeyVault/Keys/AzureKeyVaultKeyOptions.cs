using Azure.Core;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Options of the pipeline <see cref="AzureKeyVaultKeyEncryptionKey"/> calls Key Vault's keys API through (Azure.Core
/// transport, retries, diagnostics). The KEK is not behind the engine's resilience pipeline, so Azure.Core's own retry
/// policy (<see cref="ClientOptions.Retry"/>, which honours <c>Retry-After</c>) is its one retry policy.
/// </summary>
public sealed class AzureKeyVaultKeyOptions : ClientOptions
{
    /// <summary>The Key Vault REST api-version used: 7.4 (wrapkey/unwrapkey with RSA-OAEP-256 are unchanged since 7.0).</summary>
    public const string DefaultApiVersion = "7.4";

    /// <summary>
    /// Gets or sets a value indicating whether the host check of the challenge's <c>resource</c> is skipped (the resource
    /// must otherwise be a domain suffix of the vault's host). Only for emulators and private endpoints with other names,
    /// as in <c>SecretClientOptions.DisableChallengeResourceVerification</c>.
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }

    /// <summary>Gets or sets the api-version. Default: <see cref="DefaultApiVersion"/>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;
}
