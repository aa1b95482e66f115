using Secrets.Sdk.Aws;

namespace Secrets.Sdk.Encryption.Keys.Tests;

/// <summary>Each provider scheme's address checks: a bad URI fails before any key or client exists, naming the wrong part.</summary>
public sealed class KeyUriParsingTests
{
    private static readonly KeyEncryptionKeyResolver Resolver = new KeyEncryptionKeyResolver()
        .AddAwsKms(_ => throw new InvalidOperationException("no client may be created for a bad URI"))
        .AddVaultTransit()
        .AddAzureKeyVault(new global::Azure.Identity.ClientSecretCredential("t", "c", "s"))
        .AddGcpKms(Secrets.Sdk.Gcp.GcpCredential.FromAccessToken("x"));

    [Theory]
    [InlineData("aws-kms:key/abc", "the address 'key/abc' is not an ARN")]
    [InlineData("aws-kms:arn::kms:eu-west-1:111122223333:key/abc", "partition is empty")]
    [InlineData("aws-kms:arn:aws:sqs:eu-west-1:111122223333:key/abc", "service 'sqs' is not 'kms'")]
    [InlineData("aws-kms:arn:aws:kms::111122223333:key/abc", "region is empty")]
    [InlineData("aws-kms:arn:aws:kms:eu-west-1:acct:key/abc", "account 'acct' is not an account number")]
    [InlineData("aws-kms:arn:aws:kms:eu-west-1:111122223333:alias/orders", "resource 'alias/orders' is an alias")]
    [InlineData("aws-kms:arn:aws:kms:eu-west-1:111122223333:key/", "resource 'key/' is not key/KEY-ID")]
    [InlineData("vault-transit:orders", "the address 'orders' has no mount")]
    [InlineData("vault-transit:transit/", "the key name is empty")]
    [InlineData("vault-transit:transit/or ders", "the key name 'or ders'")]
    [InlineData("vault-transit:/orders", "the mount '' is empty")]
    [InlineData("vault-transit:team/../transit/orders", "the mount 'team/../transit'")]
    [InlineData("azure-kv:orders-kv/keys/k", "is not an absolute https URL")]
    [InlineData("azure-kv:http://orders-kv.vault.azure.net/keys/k", "scheme 'http' is not https")]
    [InlineData("azure-kv:https://orders-kv.vault.azure.net/secrets/k", "the path '/secrets/k' does not start with /keys/")]
    [InlineData("azure-kv:https://orders-kv.vault.azure.net/keys/k/v/extra", "has 3 segments after /keys/")]
    [InlineData("azure-kv:https://orders-kv.vault.azure.net/keys/k_1", "the key name 'k_1'")]
    [InlineData("azure-kv:https://orders-kv.vault.azure.net/keys/k/v?x=1", "query, fragment or user info")]
    [InlineData("gcp-kms:projects/p/locations/global/keyRings/r", "segment 7 of the name is nothing, not 'cryptoKeys'")]
    [InlineData("gcp-kms:project/p/locations/global/keyRings/r/cryptoKeys/k", "segment 1 of the name is 'project', not 'projects'")]
    [InlineData("gcp-kms:projects/p/locations/global/keyrings/r/cryptoKeys/k", "segment 5 of the name is 'keyrings', not 'keyRings'")]
    [InlineData("gcp-kms:projects/p/locations//keyRings/r/cryptoKeys/k", "the location id ''")]
    [InlineData("gcp-kms:projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/3", "names a CryptoKeyVersion")]
    [InlineData("gcp-kms:projects/p/locations/global/keyRings/r/cryptoKeys/k/extra", "1 extra segment(s)")]
    public void BadAddress_FailsNamingThePart(string uri, string expected)
    {
        var ex = Assert.Throws<KeyEncryptionKeyUriException>(() => Resolver.Resolve(uri));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Key-encryption key URI '{uri}': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodAddresses_GiveTheProvidersKey()
    {
        const string Arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        string? clientFor = null;
        var resolver = new KeyEncryptionKeyResolver()
            .AddAwsKms(arn =>
            {
                clientFor = arn;
                return new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
                    new Amazon.Runtime.AnonymousAWSCredentials(), Amazon.RegionEndpoint.EUWest1);
            })
            .AddAzureKeyVault(new global::Azure.Identity.ClientSecretCredential("t", "c", "s"))
            .AddGcpKms(Secrets.Sdk.Gcp.GcpCredential.FromAccessToken("x"));

        using var aws = (AwsKmsKeyEncryptionKey)resolver.Resolve("aws-kms:" + Arn);
        var azure = (Secrets.Sdk.Azure.AzureKeyVaultKeyEncryptionKey)resolver.Resolve("azure-kv:https://orders-kv.vault.azure.net/keys/envelope/0123abcd");
        using var gcp = (Secrets.Sdk.Gcp.GcpKmsKeyEncryptionKey)resolver.Resolve("gcp-kms:projects/orders-prod/locations/europe-west1/keyRings/app/cryptoKeys/envelope");

        Assert.Equal(Arn, aws.KeyId);
        Assert.Equal(Arn, clientFor);
        Assert.Equal("https://orders-kv.vault.azure.net/keys/envelope/0123abcd", azure.KeyId);
        Assert.Equal("projects/orders-prod/locations/europe-west1/keyRings/app/cryptoKeys/envelope", gcp.CryptoKeyName);
    }
}
