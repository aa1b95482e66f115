namespace Secrets.Sdk.Aws;

/// <summary>What the AWS store keeps on a listed secret's metadata for its reads: the id to send (name or ARN).</summary>
/// <param name="SecretId">The <c>SecretId</c> of GetSecretValue and BatchGetSecretValue.</param>
internal sealed record AwsSecretHandle(string SecretId);
