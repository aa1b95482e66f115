using Amazon;
using Amazon.KeyManagementService;
using Secrets.Sdk.Aws;

namespace Secrets.Sdk.Encryption;

/// <summary>Registers the <c>aws-kms:ARN</c> key-encryption key URI scheme.</summary>
public static class AwsKmsKeyEncryptionKeyResolverExtensions
{
    /// <summary>The URI scheme: <c>aws-kms</c>.</summary>
    public const string Scheme = "aws-kms";

    /// <summary>
    /// Lets <paramref name="resolver"/> open <c>aws-kms:arn:aws:kms:REGION:ACCOUNT:key/KEY-ID</c>: an
    /// <see cref="AwsKmsKeyEncryptionKey"/> over a KMS client of the key's region, with credentials from the AWS SDK's
    /// default chain (environment, profile, web identity, container and instance roles).
    /// </summary>
    /// <param name="resolver">The resolver.</param>
    /// <param name="createClient">
    /// Creates the KMS client for a key ARN (for a VPC endpoint, explicit credentials or tests); default a client of the
    /// ARN's region. The key owns and disposes the client.
    /// </param>
    /// <returns>The resolver.</returns>
    public static KeyEncryptionKeyResolver AddAwsKms(this KeyEncryptionKeyResolver resolver, Func<string, IAmazonKeyManagementService>? createClient = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.AddScheme(Scheme, uri =>
        {
            var (arn, region) = ParseKeyArn(uri);
            var client = createClient is null
                ? new AmazonKeyManagementServiceClient(RegionEndpoint.GetBySystemName(region))
                : createClient(arn) ?? throw uri.CreateError("the KMS client factory returned null.");
            return new AwsKmsKeyEncryptionKey(client, arn, ownsClient: true);
        });
    }

    /// <summary>Checks the address is a KMS key ARN, naming the part that is wrong.</summary>
    internal static (string Arn, string Region) ParseKeyArn(KeyEncryptionKeyUri uri)
    {
        const string Expected = "expected arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID";
        var parts = uri.Address.Split(':');
        if (parts.Length != 6 || parts[0] != "arn")
        {
            throw uri.CreateError($"the address '{uri.Address}' is not an ARN; {Expected}.");
        }

        if (parts[1].Length == 0)
        {
            throw uri.CreateError($"the ARN's partition is empty; {Expected}.");
        }

        if (parts[2] != "kms")
        {
            throw uri.CreateError($"the ARN's service '{parts[2]}' is not 'kms'; {Expected}.");
        }

        if (parts[3].Length == 0)
        {
            throw uri.CreateError($"the ARN's region is empty; {Expected}.");
        }

        if (parts[4].Length == 0 || !parts[4].All(char.IsAsciiDigit))
        {
            throw uri.CreateError($"the ARN's account '{parts[4]}' is not an account number; {Expected}.");
        }

        if (parts[5].StartsWith("alias/", StringComparison.Ordinal))
        {
            throw uri.CreateError($"the ARN's resource '{parts[5]}' is an alias; give the key ARN (key/KEY-ID): KMS answers with the key ARN, which is checked, and an alias cannot be.");
        }

        if (!parts[5].StartsWith("key/", StringComparison.Ordinal) || parts[5].Length == "key/".Length)
        {
            throw uri.CreateError($"the ARN's resource '{parts[5]}' is not key/KEY-ID; {Expected}.");
        }

        return (uri.Address, parts[3]);
    }
}
