namespace Secrets.Sdk.Http.Tests;

/// <summary>An <see cref="IHttpClientFactory"/> that records the names asked for.</summary>
internal sealed class SingleClientFactory(Func<HttpClient> create) : IHttpClientFactory
{
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    public HttpClient CreateClient(string name)
    {
        _names.Add(name);
        return create();
    }
}
