namespace Secrets.Sdk.Aws;

/// <summary>The credentials one request is signed with (resolved from AWSSDK.Core's credential chain).</summary>
internal sealed record AwsSigningCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AwsSigningCredentials({AccessKeyId})";
}
