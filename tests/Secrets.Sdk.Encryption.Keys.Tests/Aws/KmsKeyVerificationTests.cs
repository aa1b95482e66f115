using Amazon.KeyManagementService;
using Amazon.Runtime;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Encryption.Keys.Tests.Aws;

/// <summary>
/// A data key wrapped under KMS key A and presented as key B is refused: KMS is asked to decrypt with B, and the key ARN
/// KMS answers with must be the one the message claims (issue #10 §3), through the real AWSSDK.KeyManagementService client.
/// </summary>
public sealed class KmsKeyVerificationTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task CiphertextOfKeyA_PresentedAsKeyB_FailsWithIncorrectKey()
    {
        await using var f = await AwsFixture.StartAsync();
        var (keyA, keyB) = (f.Aws.CreateKmsKey(), f.Aws.CreateKmsKey());
        using var kms = Client(f);
        var kekA = new AwsKmsKeyEncryptionKey(kms, keyA);
        var kekB = new AwsKmsKeyEncryptionKey(kms, keyB);
        var message = await SealAsync(new RelabellingKek(kekA, keyB));
        var wrapped = await kekA.WrapKeyAsync(new byte[32], Context, default);
        using var decryptor = new EnvelopeEncryptor([kekA, kekB], new EnvelopeEncryptorOptions { DecryptPolicy = new EnvelopeDecryptPolicy { AllowedKeyIds = new HashSet<string> { keyB } } });

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kekB.UnwrapAsync(wrapped with { KeyId = keyB }, Context, default));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await decryptor.DecryptAsync(message, Context));

        Assert.Equal(keyB, ex.KeyId);
        Assert.Contains($"'{keyB}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IncorrectKeyException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsAnsweringWithAnotherKeyArn_IsRefused_EvenWhenItDecrypted()
    {
        await using var f = await AwsFixture.StartAsync();
        var (keyA, keyB) = (f.Aws.CreateKmsKey(), f.Aws.CreateKmsKey());
        using var kms = Client(f);
        var kekB = new AwsKmsKeyEncryptionKey(kms, keyB);
        var message = await SealAsync(new RelabellingKek(new AwsKmsKeyEncryptionKey(kms, keyA), keyB));
        var wrapped = await new AwsKmsKeyEncryptionKey(kms, keyA).WrapKeyAsync(new byte[32], Context, default);
        f.Aws.IgnoreDecryptKeyId = true;
        using var decryptor = new EnvelopeEncryptor(kekB);

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kekB.UnwrapAsync(wrapped with { KeyId = keyB }, Context, default));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await decryptor.DecryptAsync(message, Context));

        Assert.Contains($"decrypted by '{keyA}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, f.Aws.Count("Decrypt"));
    }

    [Fact]
    public async Task GenuineDataKey_UnwrapsWithItsVerifiedKeyArn_UnderAnAllowListPolicy()
    {
        await using var f = await AwsFixture.StartAsync();
        var keyB = f.Aws.CreateKmsKey();
        using var kms = Client(f);
        var kekB = new AwsKmsKeyEncryptionKey(kms, keyB);
        var message = await SealAsync(kekB);
        var wrapped = await kekB.WrapKeyAsync(Enumerable.Repeat((byte)9, 32).ToArray(), Context, default);
        using var decryptor = new EnvelopeEncryptor(kekB, new EnvelopeEncryptorOptions { DecryptPolicy = new EnvelopeDecryptPolicy { AllowedKeyIds = new HashSet<string> { keyB } } });

        using var unwrapped = await kekB.UnwrapAsync(wrapped, Context, default);

        Assert.Equal((keyB, true, (byte)9), (unwrapped.KeyId, unwrapped.IsKeyIdVerified, unwrapped.Plaintext[0]));
        Assert.Equal("payload"u8.ToArray(), await decryptor.DecryptAsync(message, Context));
    }

    [Theory]
    [InlineData("alias/orders")]
    [InlineData("arn:aws:kms:us-east-1:111122223333:alias/orders")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    public void KeyIdThatKmsAnswersCannotMatch_IsRefusedAtConstruction(string keyId)
    {
        using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("a", "b"), new AmazonKeyManagementServiceConfig { ServiceURL = "http://127.0.0.1:1" });

        var ex = Assert.Throws<ArgumentException>(() => new AwsKmsKeyEncryptionKey(kms, keyId));

        Assert.Contains($"'{keyId}' is not a key ARN", ex.Message, StringComparison.Ordinal);
    }

    private static AmazonKeyManagementServiceClient Client(AwsFixture f) => new(
        new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = f.Aws.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static async Task<byte[]> SealAsync(IKeyEncryptionKey kek)
    {
        using var encryptor = new EnvelopeEncryptor(kek);
        return await encryptor.EncryptAsync("payload"u8.ToArray(), Context);
    }
}
