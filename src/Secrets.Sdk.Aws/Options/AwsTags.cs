namespace Secrets.Sdk.Aws;

/// <summary>Tags the AWS store puts on <see cref="SecretMetadata"/>.</summary>
public static class AwsTags
{
    /// <summary>The configuration key a secret maps to by convention (prefix stripped, <c>/</c> as <c>:</c>, or its section).</summary>
    public const string ConfigurationKey = "aws.configuration-key";

    /// <summary>The secret id (name or ARN) to read.</summary>
    public const string SecretId = "aws.secret-id";
}
