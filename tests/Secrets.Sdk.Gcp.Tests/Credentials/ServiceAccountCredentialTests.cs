using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Gcp.Tests.Credentials;

public sealed class ServiceAccountCredentialTests
{
    [Fact]
    public async Task KeyFile_BuysATokenWithAnRs256Assertion_ThePublicKeyVerifies()
    {
        await using var f = await CredentialFixture.StartAsync();
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);

        var token = await credential.GetAccessTokenAsync();

        Assert.Equal(GcpEmulator.Token, token.Token);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromHours(1), token.ExpiresOn);
        Assert.Equal(GcpEmulator.ProjectId, await credential.GetProjectIdAsync());
        var assertion = Assert.Single(f.Tokens.Assertions).Split('.');
        using var publicKey = RSA.Create(f.Tokens.PublicKey(CredentialFixture.Email));
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes(assertion[0] + "." + assertion[1]), Base64Url(assertion[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var header = JsonDocument.Parse(Base64Url(assertion[0]));
        using var claims = JsonDocument.Parse(Base64Url(assertion[1]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("emulator-key-1", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(CredentialFixture.Email, claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal(f.Tokens.TokenUri.AbsoluteUri, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", claims.RootElement.GetProperty("scope").GetString());
        Assert.Equal(3600, claims.RootElement.GetProperty("exp").GetInt64() - claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(f.Time.GetUtcNow().ToUnixTimeSeconds(), claims.RootElement.GetProperty("iat").GetInt64());
        Assert.DoesNotContain(GcpEmulator.Token, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_IsCached_ThenRenewedShortlyBeforeExpiry_OnTheSimulatedClock()
    {
        await using var f = await CredentialFixture.StartAsync();
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);

        var first = await credential.GetAccessTokenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(55));
        var cached = await credential.GetAccessTokenAsync();
        Assert.Same(first, cached);
        Assert.Equal(1, f.Tokens.TokenRequests);

        f.Time.Advance(TimeSpan.FromMinutes(2)); // 3 minutes left: inside the 3 min 45 s renewal window
        var renewed = await credential.GetAccessTokenAsync();

        Assert.Equal(2, f.Tokens.TokenRequests);
        Assert.NotSame(first, renewed);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromHours(1), renewed.ExpiresOn);
        Assert.Equal(2, f.Tokens.Assertions.Count); // a new assertion, signed at the new time (the emulator checks iat)
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneTokenRequest()
    {
        await using var f = await CredentialFixture.StartAsync();
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => credential.GetAccessTokenAsync().AsTask()));

        Assert.Equal(1, f.Tokens.TokenRequests);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Theory]
    [InlineData(400, "invalid_grant", "Invalid JWT Signature.")]
    [InlineData(401, "invalid_client", "The OAuth client was disabled.")]
    public async Task TokenEndpointRefusal_IsUnauthenticated_NamingEndpointAccountAndError_NeverTheAssertion(int status, string error, string description)
    {
        await using var f = await CredentialFixture.StartAsync();
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);
        f.Tokens.FailNext(status, error, description);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.Unauthenticated, ex.Kind);
        Assert.Equal(status, ex.Status);
        Assert.Equal(error, ex.ErrorCode);
        Assert.Contains(f.Tokens.TokenUri.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.Contains(CredentialFixture.Email, ex.Message, StringComparison.Ordinal);
        Assert.Contains(description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Assert.Single(f.Tokens.Assertions).Split('.')[2], ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GcpEmulator.Token, ex.ToString(), StringComparison.Ordinal);

        // The failure is not cached: the next call asks again and succeeds.
        Assert.Equal(GcpEmulator.Token, (await credential.GetAccessTokenAsync()).Token);
    }

    [Fact]
    public async Task UnreachableTokenEndpoint_IsTransient_NamingTheAccount()
    {
        await using var f = await CredentialFixture.StartAsync();
        var key = f.Tokens.CreateServiceAccountKeyFile(CredentialFixture.Email).Replace(f.Tokens.TokenUri.AbsoluteUri, "http://127.0.0.1:9/token", StringComparison.Ordinal);
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.WriteFile("key.json", key), f.Options);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.True(ex.IsTransient);
        Assert.Contains(CredentialFixture.Email, ex.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedTokenAnswer_IsRefusedAtTheCap()
    {
        await using var f = await CredentialFixture.StartAsync();
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);
        f.Tokens.PaddingBytes = GcpCredentialOptions.DefaultMaxResponseBytes + 1;

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("larger than 65536 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedKeyFile_FailsNamingTheFile_NeverItsContent()
    {
        await using var f = await CredentialFixture.StartAsync();
        var notJson = f.WriteFile("broken.json", "{ \"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----MIIsecret");
        var badKey = f.WriteFile("bad-key.json", "{\"type\":\"service_account\",\"client_email\":\"a@b\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nTUlJc2VjcmV0\\n-----END PRIVATE KEY-----\\n\"}");
        var noEmail = f.WriteFile("no-email.json", "{\"type\":\"service_account\",\"private_key\":\"x\"}");
        var huge = f.WriteFile("huge.json", new string(' ', 70 * 1024));

        var json = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(notJson, f.Options));
        var key = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(badKey, f.Options));
        var email = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(noEmail, f.Options));
        var size = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(huge, f.Options));
        var missing = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(Path.Combine(f.Folder, "absent.json"), f.Options));

        Assert.Contains(notJson, json.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", json.Message, StringComparison.Ordinal);
        Assert.Contains(badKey, key.Message, StringComparison.Ordinal);
        Assert.Contains("private_key", key.Message, StringComparison.Ordinal);
        Assert.Contains("'client_email'", email.Message, StringComparison.Ordinal);
        Assert.Contains("larger than 65536 bytes", size.Message, StringComparison.Ordinal);
        Assert.Contains("absent.json", missing.Message, StringComparison.Ordinal);
        Assert.All(new[] { json, key, email, size, missing }, ex =>
        {
            Assert.Equal(SecretErrorKind.InvalidRequest, ex.Kind);
            Assert.DoesNotContain("MIIsecret", ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("TUlJc2VjcmV0", ex.ToString(), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("authorized_user", "not a service account key")]
    [InlineData("external_account", "FromTokenProvider")]
    [InlineData("impersonated_service_account", "is not supported")]
    public async Task WrongType_FailsNamingTheFileAndTheType(string type, string advice)
    {
        await using var f = await CredentialFixture.StartAsync();
        var path = f.WriteFile(type + ".json", $"{{\"type\":\"{type}\",\"client_id\":\"c\",\"client_secret\":\"s\",\"refresh_token\":\"r\"}}");

        var ex = Assert.Throws<SecretStoreException>(() => GcpCredential.FromServiceAccountKeyFile(path, f.Options));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{type}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(advice, ex.Message, StringComparison.Ordinal);
        Assert.Equal(SecretErrorKind.InvalidRequest, ex.Kind);
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
