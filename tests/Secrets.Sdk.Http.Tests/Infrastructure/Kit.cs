namespace Secrets.Sdk.Http.Tests;

/// <summary>Builds kit clients against a hostile server and sends one GET.</summary>
internal static class Kit
{
    public static readonly BackendOperation Read = new("GetThing", "orders/db");

    public static BackendHttpClient Client(HostileServer server, BackendHttpOptions? options = null, BackendRedirectPolicy redirects = BackendRedirectPolicy.Never, TimeProvider? time = null) =>
        BackendHttpClient.Create(server.Address, "Test service", "test-store", options ?? new BackendHttpOptions(), redirects, time);

    public static async Task<BackendResponse> GetAsync(BackendHttpClient client, string path = "v1/thing", BackendOperation? operation = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Secret-Token", token);
        }

        return await client.SendAsync(request, operation ?? Read, CancellationToken.None);
    }

    public static async Task<SampleAnswer> ReadAsync(BackendHttpClient client)
    {
        using var response = await GetAsync(client);
        return response.ReadJson(TestJsonContext.Default.SampleAnswer);
    }
}
