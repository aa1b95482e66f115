using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// A service-account key file (<c>"type": "service_account"</c>): each token is bought with a self-signed JWT assertion
/// (RS256 over the key file's private key; <c>iss</c> the account's email, <c>scope</c> cloud-platform, <c>aud</c> the
/// key's <c>token_uri</c>, valid one hour) posted to <c>token_uri</c> with the <c>jwt-bearer</c> grant.
/// </summary>
/// <remarks>https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests.</remarks>
internal sealed class ServiceAccountTokenSource : GcpTokenSource
{
    /// <summary>Google's OAuth 2.0 token endpoint, used when a file names none.</summary>
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>The scope every Secret Manager and Cloud KMS call needs.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private readonly RSA _key;
    private readonly string? _keyId;
    private readonly string _email;
    private readonly Uri _tokenUri;
    private readonly string? _projectId;
    private readonly TimeProvider _time;
    private readonly BackendHttpClient _http;

    public ServiceAccountTokenSource(CredentialFileJson file, string path, GcpCredentialOptions options)
    {
        _email = Required(file.ClientEmail, "client_email", path);
        Description = $"service account '{_email}' (key file '{path}')";
        _tokenUri = TokenUri(file.TokenUri, path);
        var pem = Required(file.PrivateKey, "private_key", path);
        _key = RSA.Create();
        try
        {
            _key.ImportFromPem(pem);
            if (_key.KeySize < 2048)
            {
                throw CredentialFileReader.Error($"the private_key of key file '{path}' is a {_key.KeySize}-bit RSA key; Google issues 2048-bit keys");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            _key.Dispose();

            // Never the exception's own message: it may quote part of the key.
            throw CredentialFileReader.Error($"the private_key of key file '{path}' is not a PEM-encoded RSA private key ({ex.GetType().Name})");
        }

        _keyId = file.PrivateKeyId;
        _projectId = file.ProjectId is { Length: > 0 } project ? project : null;
        _time = options.TimeProvider;
        _http = BackendHttpClient.Create(_tokenUri, "GCP OAuth token endpoint", GcpCredential.ServiceName, options.Http, BackendRedirectPolicy.Never, options.TimeProvider);
    }

    public override string Description { get; }

    public override Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = JwtBearerGrant,
            ["assertion"] = CreateAssertion(),
        };
        return TokenAnswer.SendAsync(_http, new HttpRequestMessage(HttpMethod.Post, _tokenUri) { Content = new FormUrlEncodedContent(form) }, Description, _time, null, cancellationToken);
    }

    public override ValueTask<string?> GetProjectIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_projectId);

    public override void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }

    /// <summary>Returns the signed assertion: <c>base64url(header).base64url(claims).base64url(RS256 signature)</c>.</summary>
    internal string CreateAssertion()
    {
        var now = _time.GetUtcNow();
        var header = JsonSerializer.SerializeToUtf8Bytes(new JwtHeaderJson { KeyId = _keyId }, GcpAuthJsonContext.Default.JwtHeaderJson);
        var claims = JsonSerializer.SerializeToUtf8Bytes(
            new JwtClaimsJson
            {
                Issuer = _email,
                Scope = CloudPlatformScope,
                Audience = _tokenUri.AbsoluteUri,
                IssuedAt = now.ToUnixTimeSeconds(),
                Expires = (now + AssertionLifetime).ToUnixTimeSeconds(),
            },
            GcpAuthJsonContext.Default.JwtClaimsJson);
        var signingInput = Base64Url(header) + "." + Base64Url(claims);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Required(string? value, string field, string path) =>
        string.IsNullOrWhiteSpace(value)
            ? throw CredentialFileReader.Error($"the service account key file '{path}' has no '{field}'")
            : value;

    /// <summary>The file's <c>token_uri</c> (HTTPS, or plain HTTP to loopback for emulators), or Google's default.</summary>
    internal static Uri TokenUri(string? value, string path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new Uri(DefaultTokenUri);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw CredentialFileReader.Error($"the token_uri of credential file '{path}' is not an absolute URL");
        }

        try
        {
            BackendHttpClientFactory.EnsureAllowedEndpoint(uri, allowInsecureHttp: false, "token_uri");
        }
        catch (ArgumentException ex)
        {
            throw CredentialFileReader.Error($"the token_uri of credential file '{path}' is not allowed ({ex.Message})");
        }

        return uri;
    }
}
