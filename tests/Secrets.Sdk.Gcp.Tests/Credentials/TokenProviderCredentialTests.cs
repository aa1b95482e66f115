namespace Secrets.Sdk.Gcp.Tests.Credentials;

public sealed class TokenProviderCredentialTests
{
    [Fact]
    public async Task ProviderTokens_AreCachedUntilShortlyBeforeExpiry()
    {
        var time = new Secrets.Sdk.Testing.ManualTimeProvider();
        var calls = 0;
        using var credential = GcpCredential.FromTokenProvider(
            _ => ValueTask.FromResult(new GcpAccessToken($"token-{++calls}", time.GetUtcNow().AddMinutes(10))),
            time);

        Assert.Equal("token-1", (await credential.GetAccessTokenAsync()).Token);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("token-1", (await credential.GetAccessTokenAsync()).Token);
        time.Advance(TimeSpan.FromMinutes(1)); // 3 minutes left of 10: inside the 3 min 45 s window
        Assert.Equal("token-2", (await credential.GetAccessTokenAsync()).Token);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ProviderFailure_NamesTheProvider_AndIsNotCached()
    {
        var fail = true;
        using var credential = GcpCredential.FromTokenProvider(_ => fail
            ? throw new InvalidOperationException("sidecar down")
            : ValueTask.FromResult(new GcpAccessToken("t", DateTimeOffset.UtcNow.AddHours(1))));

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());
        fail = false;

        Assert.Contains("FromTokenProvider", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Equal("t", (await credential.GetAccessTokenAsync()).Token);
    }

    [Fact]
    public async Task FixedToken_IsUsedUntilItsExpiry_ThenFailsClearly()
    {
        var time = new Secrets.Sdk.Testing.ManualTimeProvider();
        using var credential = GcpCredential.FromAccessToken("ya29.fixed-value", time.GetUtcNow().AddMinutes(30), time);

        Assert.Equal("ya29.fixed-value", (await credential.GetAccessTokenAsync()).Token);
        time.Advance(TimeSpan.FromMinutes(31));
        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.Unauthenticated, ex.Kind);
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ya29", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessToken_ToString_NeverShowsTheToken()
    {
        var token = new GcpAccessToken("ya29.secret-token", DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("ya29", token.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GcpAccessToken("a\r\nb", DateTimeOffset.UnixEpoch));
    }
}
