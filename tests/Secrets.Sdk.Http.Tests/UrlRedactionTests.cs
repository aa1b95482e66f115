namespace Secrets.Sdk.Http.Tests;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://user:pass@proxy.corp:8080/path", "https://proxy.corp:8080/path")]
    [InlineData("https://vault.internal:8200/v1/secret/data/app?version=3&token=abc", "https://vault.internal:8200/v1/secret/data/app?version=***&token=***")]
    [InlineData("https://secretsmanager.eu-west-1.amazonaws.com/", "https://secretsmanager.eu-west-1.amazonaws.com/")]
    [InlineData("http://127.0.0.1:8200/v1/x#frag-token", "http://127.0.0.1:8200/v1/x")]
    [InlineData("https://[::1]:8200/v1?X-Amz-Signature=deadbeef", "https://[::1]:8200/v1?X-Amz-Signature=***")]
    public void AbsoluteUrl_LosesUserInfoFragmentAndQueryValues(string url, string expected)
    {
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url)));
        Assert.Equal(expected, UrlRedaction.Redact(url));
    }

    [Theory]
    [InlineData("v1/secret/data/app?token=abc", "v1/secret/data/app?token=***")]
    [InlineData("socks5://admin:hunter2@proxy:1080", "socks5://proxy:1080")]
    [InlineData("//user:pw@host/path?q", "//host/path?q=***")]
    public void RelativeOrOtherUrl_IsRedactedToo(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(url));

    [Fact]
    public async Task UnreachableServer_ErrorShowsNoUserInfo()
    {
        var options = new BackendHttpOptions();
        using var client = BackendHttpClient.Create(new Uri("http://admin:hunter2@127.0.0.1:1/"), "Test service", "test-store", options);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/thing?token=abc");

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => client.SendAsync(request, Kit.Read, CancellationToken.None));

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:1/v1/thing?token=***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", ex.Message, StringComparison.Ordinal);
    }
}
