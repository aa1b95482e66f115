namespace Secrets.Sdk.Gcp;

/// <summary>What the Secret Manager store keeps on a secret's metadata for its reads.</summary>
/// <param name="SecretId">The secret id (the last segment of <c>projects/*/secrets/{id}</c>).</param>
/// <param name="RequestedVersion">The version asked for: <c>latest</c>, a number or an alias.</param>
internal sealed record GcpSecretHandle(string SecretId, string RequestedVersion);
