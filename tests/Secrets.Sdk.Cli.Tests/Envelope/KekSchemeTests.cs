using System.Security.Cryptography;
using Azure.Core.Pipeline;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>
/// <c>--kek</c>/<c>--to</c> with every cloud scheme, through the emulators. <c>vault-transit:</c> and <c>aws-kms:</c> are
/// reached exactly as the tool reaches them, from the vendors' environment variables (<c>VAULT_ADDR</c>/<c>VAULT_TOKEN</c>;
/// <c>AWS_ENDPOINT_URL_KMS</c> and <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c> read by the AWS SDK's default
/// chain), and <c>gcp-kms:</c> gets its token from application default credentials (the metadata server named by
/// <c>GCE_METADATA_HOST</c>), so these tests run alone. No variable names a Cloud KMS endpoint, and none can point
/// <c>DefaultAzureCredential</c> and trust at the Key Vault emulator, so those come from the <see cref="CliBackends"/> hook.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class KekSchemeTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(150_000);
    private readonly VaultEmulator _vault = new();
    private readonly AwsEmulator _aws = new();
    private readonly AzureKeyVaultEmulator _azure = new();
    private readonly GcpEmulator _gcp = new();
    private readonly GcpTokenEmulator _gcpTokens = new();
    private readonly ProcessEnvironment _environment = new();
    private HttpClient _azureHttp = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_vault.StartAsync(), _aws.StartAsync(), _azure.StartAsync(), _gcp.StartAsync(), _gcpTokens.StartAsync());
        _azureHttp = new HttpClient(EmulatorCertificate.TrustingHandler(_azure.Certificate));
        _environment
            .Set("VAULT_ADDR", _vault.Address.ToString())
            .Set("VAULT_TOKEN", VaultEmulator.RootToken)
            .Set("AWS_ENDPOINT_URL_KMS", _aws.Address.ToString())
            .Set("AWS_ACCESS_KEY_ID", AwsEmulator.AccessKeyId)
            .Set("AWS_SECRET_ACCESS_KEY", AwsEmulator.SecretAccessKey)
            .Set("AWS_MAX_ATTEMPTS", "1")
            .Set("GOOGLE_APPLICATION_CREDENTIALS", null)
            .Set("CLOUDSDK_CONFIG", _dir.Path)
            .Set("GCE_METADATA_HOST", _gcpTokens.MetadataHost);
        _vault.CreateTransitKey("orders");
    }

    public async Task DisposeAsync()
    {
        _environment.Dispose();
        _azureHttp.Dispose();
        await Task.WhenAll(_vault.DisposeAsync().AsTask(), _aws.DisposeAsync().AsTask(), _azure.DisposeAsync().AsTask(), _gcp.DisposeAsync().AsTask(), _gcpTokens.DisposeAsync().AsTask());
        _dir.Dispose();
    }

    [Theory]
    [InlineData("vault-transit")]
    [InlineData("aws-kms")]
    [InlineData("azure-kv")]
    [InlineData("gcp-kms")]
    public async Task EncryptDecrypt_RoundTripThroughTheScheme_WrongContextRefused(string scheme)
    {
        var kek = Uri(scheme);
        File.WriteAllBytes(_dir.File("plain"), _plaintext);

        var encrypted = await Run(["encrypt", "--kek", kek, "--context", "app=orders", "--in", _dir.File("plain"), "--out", _dir.File("msg")]);
        var decrypted = await Run(["decrypt", "--kek", kek, "--context", "app=orders", "--in", _dir.File("msg"), "--out", "-"]);
        var wrongContext = await Run(["decrypt", "--kek", kek, "--context", "app=billing", "--in", _dir.File("msg"), "--out", "-"]);

        Assert.True(encrypted.ExitCode == 0, encrypted.Error);
        Assert.True(decrypted.ExitCode == 0, decrypted.Error);
        Assert.Equal(_plaintext, decrypted.StandardOutput);
        wrongContext.AssertOneLineError(1, _dir.File("msg"), "could not be decrypted");
        Assert.Empty(wrongContext.StandardOutput);
        Assert.Equal(scheme == "gcp-kms", _gcpTokens.MetadataTokenRequests > 0); // Application default credentials, from the metadata server.
    }

    [Fact]
    public async Task Rewrap_FromEachSchemeToTheNext_DecryptsWithTheLastOnly_BodyUntouched()
    {
        string[] chain = ["local", "vault-transit", "aws-kms", "azure-kv", "gcp-kms", "vault-transit"];
        var keks = chain.Select(Uri).ToArray();
        File.WriteAllBytes(_dir.File("msg0.plain"), _plaintext);
        var first = await Run(["encrypt", "--kek", keks[0], "--in", _dir.File("msg0.plain"), "--out", _dir.File("msg0")]);
        Assert.True(first.ExitCode == 0, first.Error);

        for (var i = 1; i < keks.Length; i++)
        {
            var rewrap = await Run(["rewrap", "--kek", keks[i - 1], "--to", keks[i], "--in", _dir.File($"msg{i - 1}"), "--out", _dir.File($"msg{i}")]);
            Assert.True(rewrap.ExitCode == 0, $"{chain[i - 1]} -> {chain[i]}: {rewrap.Error}");
            var before = File.ReadAllBytes(_dir.File($"msg{i - 1}"));
            var after = File.ReadAllBytes(_dir.File($"msg{i}"));
            Assert.Equal(before[^_plaintext.Length..], after[^_plaintext.Length..]); // Only the header changes.
        }

        var last = _dir.File($"msg{keks.Length - 1}");
        var decrypted = await Run(["decrypt", "--kek", keks[^1], "--in", last, "--out", "-"]);
        var withOld = await Run(["decrypt", "--kek", keks[^2], "--in", last, "--out", "-"]);
        Assert.Equal(_plaintext, decrypted.StandardOutput);
        withOld.AssertOneLineError(1, "could not be decrypted");
    }

    [Fact]
    public async Task KeyRingAcrossSchemes_FirstWraps_EitherOpensItsOwnEnvelopes()
    {
        var aws = Uri("aws-kms");
        var gcp = Uri("gcp-kms");
        var byGcp = await Run(["encrypt", "--kek", gcp, "--in", "-", "--out", "-"], _plaintext);

        var byRing = await Run(["encrypt", "--kek", aws, "--kek", gcp, "--in", "-", "--out", "-"], _plaintext);
        var oldWithRing = await Run(["decrypt", "--kek", aws, "--kek", gcp, "--in", "-", "--out", "-"], byGcp.StandardOutput);
        var newWithAws = await Run(["decrypt", "--kek", aws, "--in", "-", "--out", "-"], byRing.StandardOutput);
        var newWithGcp = await Run(["decrypt", "--kek", gcp, "--in", "-", "--out", "-"], byRing.StandardOutput);

        Assert.Equal(_plaintext, oldWithRing.StandardOutput);
        Assert.Equal(_plaintext, newWithAws.StandardOutput);
        newWithGcp.AssertOneLineError(1, "could not be decrypted");
    }

    [Fact]
    public async Task VaultTransit_RefusedToken_OneLineErrorNamingTheUri_WithoutTheToken()
    {
        _environment.Set("VAULT_TOKEN", "refused-token-sentinel");
        var kek = Uri("vault-transit");

        var run = await Run(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(1, "encrypt '-'", $"key-encryption key '{kek}' failed");
        Assert.DoesNotContain("sentinel", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task AwsKms_UnknownKey_OneLineErrorNamingTheKey()
    {
        var kek = $"aws-kms:arn:aws:kms:us-east-1:{AwsEmulator.Account}:key/{Guid.NewGuid()}";

        var run = await Run(["encrypt", "--kek", kek, "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(1, "encrypt '-'", $"key-encryption key '{kek}' failed");
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task VaultTransit_WithoutVaultAddr_SaysWhatIsMissing()
    {
        _environment.Set("VAULT_ADDR", null);

        var run = await Run(["encrypt", "--kek", "vault-transit:transit/orders", "--in", "-", "--out", "-"], _plaintext);

        run.AssertOneLineError(1, "'vault-transit:transit/orders'", "VAULT_ADDR");
    }

    private string Uri(string scheme) => scheme switch
    {
        "local" => LocalKey(),
        "vault-transit" => "vault-transit:transit/orders",
        "aws-kms" => "aws-kms:" + _aws.CreateKmsKey(),
        "azure-kv" => AzureKey(),
        "gcp-kms" => "gcp-kms:" + _gcp.CreateCryptoKey("global", "ring", "kek-" + Guid.NewGuid().ToString("N")[..8]),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
    };

    private string LocalKey()
    {
        File.WriteAllText(_dir.File("local.kek"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return "local:" + _dir.File("local.kek");
    }

    private string AzureKey()
    {
        var name = "kek" + Guid.NewGuid().ToString("N")[..8];
        _azure.CreateRsaKey(name);
        return "azure-kv:" + new Uri(_azure.VaultUri, "keys/" + name);
    }

    /// <summary>The tool's own resolver for Vault, AWS and GCP credentials (environment); the Cloud KMS endpoint and Azure's credential and trust from the hook.</summary>
    private Task<CliRun> Run(string[] args, byte[]? input = null) => CliRun.RunAsync(args, input, backends: new CliBackends
    {
        CreateResolver = () => new KeyEncryptionKeyResolver()
            .AddVaultTransit()
            .AddAwsKms()
            .AddAzureKeyVault(new EmulatorBackends.StaticTokenCredential(AzureKeyVaultEmulator.AccessToken), new Secrets.Sdk.Azure.AzureKeyVaultKeyOptions { Transport = new HttpClientTransport(_azureHttp), DisableChallengeResourceVerification = true })
            .AddGcpKms(endpoint: _gcp.Address),
    });
}
