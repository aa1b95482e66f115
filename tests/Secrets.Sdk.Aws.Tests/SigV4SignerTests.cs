namespace Secrets.Sdk.Aws.Tests;

/// <summary>The signer against AWS's published examples.</summary>
public sealed class SigV4SignerTests
{
    [Fact]
    public void GetVanilla_FromTheSigV4TestSuite()
    {
        // https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html (get-vanilla, 2015-08-30 suite).
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        var canonical = SigV4Signer.CanonicalRequest("GET", "/", string.Empty, headers, ["host", "x-amz-date"], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

        var signature = SigV4Signer.Signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "us-east-1", "service", canonical);

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Fact]
    public void S3GetObjectExample_FromTheS3SigV4Documentation()
    {
        // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (GET Object example).
        const string Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        var headers = new Dictionary<string, string>
        {
            ["host"] = "examplebucket.s3.amazonaws.com",
            ["range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = Empty,
            ["x-amz-date"] = "20130524T000000Z",
        };
        var canonical = SigV4Signer.CanonicalRequest("GET", "/test.txt", string.Empty, headers, ["host", "range", "x-amz-content-sha256", "x-amz-date"], Empty);

        Assert.EndsWith("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972", SigV4Signer.StringToSign("20130524T000000Z", "us-east-1", "s3", canonical), StringComparison.Ordinal);
        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", SigV4Signer.Signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524T000000Z", "us-east-1", "s3", canonical));
    }

    [Fact]
    public void Sign_AddsDateTokenAndAuthorizationWithEverySignedHeader()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = "secretsmanager.eu-west-1.amazonaws.com", ["content-type"] = "application/x-amz-json-1.1", ["x-amz-target"] = "secretsmanager.ListSecrets" };

        SigV4Signer.Sign(headers, "POST", "/", string.Empty, "{}"u8, new AwsSigningCredentials("AKID", "SECRET", "SESSION"), "eu-west-1", "secretsmanager", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal("20260102T030405Z", headers["x-amz-date"]);
        Assert.Equal("SESSION", headers["x-amz-security-token"]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/20260102/eu-west-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=", headers["Authorization"], StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", headers["Authorization"], StringComparison.Ordinal);
    }
}
