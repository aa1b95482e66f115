using Amazon.KeyManagementService;
using Amazon.Runtime;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Encryption.Keys.Tests.Aws;

public sealed class KmsKeyEncryptionKeyTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task RealKmsClient_RoundTripsThroughTheEmulator_WithContext_WrongContextRejected()
    {
        await using var f = await AwsFixture.StartAsync();
        var keyArn = f.Aws.CreateKmsKey();
        using var kms = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey),
            new AmazonKeyManagementServiceConfig { ServiceURL = f.Aws.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var kek = new AwsKmsKeyEncryptionKey(kms, keyArn);
        using var encryptor = new EnvelopeEncryptor(kek);

        var message = await encryptor.EncryptAsync("cardholder-data"u8.ToArray(), Context);

        Assert.Equal("cardholder-data"u8.ToArray(), await encryptor.DecryptAsync(message, Context));
        Assert.Equal(1, f.Aws.Count("GenerateDataKey"));
        Assert.Equal(1, f.Aws.Count("Decrypt"));
        Assert.Equal(0, f.Aws.SignatureFailures);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapKeyAsync(wrapped, new Dictionary<string, string> { ["tenant"] = "billing" }, default));
        Assert.Contains("InvalidCiphertextException", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, new Dictionary<string, string> { ["tenant"] = "billing" }));
    }
}
