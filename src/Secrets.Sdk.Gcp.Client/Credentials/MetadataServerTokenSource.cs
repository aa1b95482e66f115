using System.Text;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// The metadata server of Compute Engine, GKE (Workload Identity serves the pod's Kubernetes service account through it),
/// Cloud Run and App Engine: tokens of the attached service account from
/// <c>/computeMetadata/v1/instance/service-accounts/default/token</c>, the project from <c>/computeMetadata/v1/project/project-id</c>,
/// both with <c>Metadata-Flavor: Google</c> sent and required in the answer (a server that does not answer it is not the
/// metadata server). Plain HTTP to the link-local address is how the server is reached; <c>GCE_METADATA_HOST</c> names another.
/// </summary>
/// <remarks>https://cloud.google.com/compute/docs/access/authenticate-workloads#applications (and /compute/docs/metadata/querying-metadata).</remarks>
internal sealed class MetadataServerTokenSource : GcpTokenSource
{
    private const string FlavorHeader = "Metadata-Flavor";
    private const string Flavor = "Google";
    private const string TokenPath = "computeMetadata/v1/instance/service-accounts/default/token";
    private const string ProjectPath = "computeMetadata/v1/project/project-id";
    private const int MaxProjectIdLength = 100;
    private readonly BackendHttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _projectGate = new(1, 1);
    private string? _projectId;

    public MetadataServerTokenSource(Uri address, GcpCredentialOptions options)
    {
        Address = address;
        Description = $"the metadata server at {UrlRedaction.Redact(address)}";
        _time = options.TimeProvider;
        options.Http.Validate();

        // The metadata server is plain HTTP on a link-local address by design, so the kit's loopback-only rule for plain
        // HTTP is not applied here; only this fixed address (or GCE_METADATA_HOST) is ever asked.
        var handler = options.Http.CreateHandler?.Invoke() ?? BackendHttpClientFactory.CreateHandler(options.Http);
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        _http = new BackendHttpClient(client, "GCP metadata server", GcpCredential.ServiceName, options.Http, BackendRedirectPolicy.Never, options.TimeProvider);
    }

    public Uri Address { get; }

    public override string Description { get; }

    public override Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken) =>
        TokenAnswer.SendAsync(_http, Request(TokenPath), Description, _time, CheckFlavor, cancellationToken);

    public override async ValueTask<string?> GetProjectIdAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _projectId) is { } known)
        {
            return known;
        }

        await _projectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_projectId is { } again)
            {
                return again;
            }

            using var request = Request(ProjectPath);
            using var response = await _http.SendAsync(request, new BackendOperation("project-id"), cancellationToken).ConfigureAwait(false);
            CheckFlavor(response);
            if (!response.IsSuccessStatusCode)
            {
                throw response.CreateError(null, $"{Description} did not give the project id");
            }

            var text = Encoding.UTF8.GetString(response.Body.Span).Trim();
            if (text.Length is 0 or > MaxProjectIdLength || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ':'))
            {
                throw response.InvalidResponse($"{Description} answered a project id that is not one");
            }

            _projectId = text;
            return text;
        }
        finally
        {
            _projectGate.Release();
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _projectGate.Dispose();
    }

    private static HttpRequestMessage Request(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(FlavorHeader, Flavor);
        return request;
    }

    private void CheckFlavor(BackendResponse response)
    {
        if (!response.Headers.TryGetValues(FlavorHeader, out var values) || !values.Contains(Flavor, StringComparer.Ordinal))
        {
            throw response.InvalidResponse($"{Description} answered without '{FlavorHeader}: {Flavor}'; it is not a GCP metadata server");
        }
    }
}
