using System.Globalization;

namespace Secrets.Sdk.Http.Tests;

public sealed class PagingGuardTests
{
    private static readonly BackendOperation List = new("ListThings");

    [Fact]
    public async Task RepeatedPageToken_IsInvalidResponse_NotALoop()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"NextToken\":\"same-token\"}"));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => ListAllAsync(client));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("already returned", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ListThings", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task MoreThanMaxPages_IsInvalidResponse()
    {
        var page = 0;
        await using var server = await HostileServer.StartAsync(context =>
            HostileServer.Answer(200, "{\"NextToken\":\"t" + Interlocked.Increment(ref page).ToString(CultureInfo.InvariantCulture) + "\"}")(context));
        using var client = Kit.Client(server, new BackendHttpOptions { MaxPages = 5 });

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => ListAllAsync(client));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("more than 5 pages", ex.Message, StringComparison.Ordinal);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task ListingThatEnds_ReadsEveryPage()
    {
        var page = 0;
        await using var server = await HostileServer.StartAsync(context =>
        {
            var n = Interlocked.Increment(ref page);
            return HostileServer.Answer(200, n < 5 ? "{\"NextToken\":\"t" + n.ToString(CultureInfo.InvariantCulture) + "\"}" : "{}")(context);
        });
        using var client = Kit.Client(server, new BackendHttpOptions { MaxPages = 5 });

        var pages = await ListAllAsync(client);

        Assert.Equal(5, pages);
    }

    [Fact]
    public void Enter_RefusesARepeatedKeyAndTooManyPages()
    {
        using var client = new BackendHttpClient(new HttpClient(), "Test service", "test-store", new BackendHttpOptions { MaxPages = 3 });
        var guard = client.CreatePageGuard(List);
        guard.Enter("a/");
        guard.Enter("a/b/");

        var repeated = Assert.Throws<SecretStoreException>(() => guard.Enter("a/"));
        guard.Enter("a/c/");
        var tooMany = Assert.Throws<SecretStoreException>(() => guard.Enter("a/d/"));

        Assert.Equal(SecretErrorKind.InvalidResponse, repeated.Kind);
        Assert.Contains("'a/' twice", repeated.Message, StringComparison.Ordinal);
        Assert.Contains("more than 3 pages", tooMany.Message, StringComparison.Ordinal);
    }

    private static async Task<int> ListAllAsync(BackendHttpClient client)
    {
        var guard = client.CreatePageGuard(List);
        string? token = null;
        do
        {
            using var response = await Kit.GetAsync(client, "v1/things" + (token is null ? string.Empty : "?token=" + token), List);
            token = response.ReadJson(TestJsonContext.Default.SampleAnswer).NextToken;
        }
        while (guard.Continue(token));
        return guard.Pages;
    }
}
