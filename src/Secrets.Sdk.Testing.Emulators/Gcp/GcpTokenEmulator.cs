using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// An in-process emulator of Google's OAuth 2.0 token endpoint and of the GCE metadata server's token and project paths,
/// on 127.0.0.1 with a free port, built from Google's references:
/// <list type="bullet">
/// <item>https://developers.google.com/identity/protocols/oauth2/service-account#httprest: <c>POST /token</c> with
/// <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c> and an RS256 <c>assertion</c> whose signature is checked
/// against the public key of a service account created here (<c>iss</c>, <c>aud</c> = this token URI, <c>scope</c>,
/// <c>iat</c>/<c>exp</c> at most one hour apart and current on the emulator's clock); or
/// <c>grant_type=refresh_token</c> with a registered client and refresh token. Refusals are OAuth error bodies
/// (<c>{"error":"invalid_grant","error_description":...}</c>).</item>
/// <item>https://cloud.google.com/compute/docs/metadata/querying-metadata: <c>GET /computeMetadata/v1/instance/service-accounts/default/token</c>
/// and <c>/computeMetadata/v1/project/project-id</c>, only with <c>Metadata-Flavor: Google</c>, answered with it.</item>
/// </list>
/// Knobs: token lifetime, the token issued, the next answers' failure status, an oversized answer, a server that does not
/// answer as the metadata server; counters per path.
/// </summary>
public sealed class GcpTokenEmulator : IAsyncDisposable
{
    private const string MetadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";
    private const string MetadataProjectPath = "/computeMetadata/v1/project/project-id";
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Secret, string RefreshToken)> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _assertions = new();
    private readonly ConcurrentQueue<(int Status, string Error, string Description)> _failures = new();
    private LoopbackServer? _server;
    private int _tokenRequests;
    private int _metadataTokenRequests;

    /// <summary>Creates an emulator.</summary>
    /// <param name="time">The clock assertions are checked on and <c>expires_in</c> counts from; default the system clock.</param>
    public GcpTokenEmulator(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Gets the base address.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    /// <summary>Gets the token endpoint (the <c>token_uri</c> of the key files made here).</summary>
    public Uri TokenUri => new(Address, "token");

    /// <summary>Gets the value for <c>GCE_METADATA_HOST</c> that points a client at this emulator's metadata paths.</summary>
    public string MetadataHost => $"{Address.Host}:{Address.Port}";

    /// <summary>Gets or sets the access token issued. Default: <see cref="GcpEmulator.Token"/>, which the API emulator accepts.</summary>
    public string AccessToken { get; set; } = GcpEmulator.Token;

    /// <summary>Gets or sets the lifetime issued tokens declare (<c>expires_in</c>). Default: one hour.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the project the metadata server names. Default: <see cref="GcpEmulator.ProjectId"/>.</summary>
    public string MetadataProjectId { get; set; } = GcpEmulator.ProjectId;

    /// <summary>Gets or sets a value indicating whether metadata answers carry <c>Metadata-Flavor: Google</c> (false acts like another server on that address). Default: true.</summary>
    public bool AnswerAsMetadataServer { get; set; } = true;

    /// <summary>Gets or sets the size of a padding field added to every token answer (0: none); a large value makes an oversized answer.</summary>
    public int PaddingBytes { get; set; }

    /// <summary>Gets the number of requests to the OAuth token endpoint.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Gets the number of requests to the metadata server's token path.</summary>
    public int MetadataTokenRequests => Volatile.Read(ref _metadataTokenRequests);

    /// <summary>Gets every JWT assertion received, in order.</summary>
    public IReadOnlyList<string> Assertions => _assertions.ToArray();

    /// <summary>Starts listening on 127.0.0.1 with a free port.</summary>
    /// <returns>A task that completes when requests are accepted.</returns>
    public async Task StartAsync()
    {
        _server = await LoopbackServer.StartAsync(HandleAsync).ConfigureAwait(false);
        Address = _server.Address;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var key in _serviceAccounts.Values)
        {
            key.Dispose();
        }
    }

    /// <summary>Creates a service account with a new 2048-bit RSA key and returns its key file (JSON), whose <c>token_uri</c> is this emulator.</summary>
    /// <param name="email">The account's email (<c>client_email</c>, the assertion's <c>iss</c>).</param>
    /// <param name="projectId">The key file's <c>project_id</c>.</param>
    /// <returns>The key file's content.</returns>
    public string CreateServiceAccountKeyFile(string email, string projectId = GcpEmulator.ProjectId)
    {
        var key = RSA.Create(2048);
        _serviceAccounts[email] = key;
        return new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = "emulator-key-1",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = email,
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = TokenUri.AbsoluteUri,
        }.ToJsonString();
    }

    /// <summary>Returns the public key of a service account created here, to verify its assertions.</summary>
    /// <param name="email">The account's email.</param>
    /// <returns>The public key parameters.</returns>
    public RSAParameters PublicKey(string email) => _serviceAccounts[email].ExportParameters(includePrivateParameters: false);

    /// <summary>Registers gcloud user credentials and returns their file (JSON, <c>"type": "authorized_user"</c>), whose <c>token_uri</c> is this emulator.</summary>
    /// <param name="clientId">The OAuth client id.</param>
    /// <param name="clientSecret">The OAuth client secret.</param>
    /// <param name="refreshToken">The refresh token.</param>
    /// <returns>The file's content.</returns>
    public string CreateAuthorizedUserFile(string clientId, string clientSecret, string refreshToken)
    {
        _users[clientId] = (clientSecret, refreshToken);
        return new JsonObject
        {
            ["type"] = "authorized_user",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["refresh_token"] = refreshToken,
            ["token_uri"] = TokenUri.AbsoluteUri,
        }.ToJsonString();
    }

    /// <summary>Answers the next token request (endpoint or metadata) with <paramref name="status"/> and an OAuth error body.</summary>
    /// <param name="status">The HTTP status (400, 401, 500, ...).</param>
    /// <param name="error">The OAuth <c>error</c> code.</param>
    /// <param name="description">The <c>error_description</c>.</param>
    public void FailNext(int status, string error, string description) => _failures.Enqueue((status, error, description));

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path == "/token" && HttpMethods.IsPost(context.Request.Method))
        {
            Interlocked.Increment(ref _tokenRequests);
            await TokenEndpointAsync(context).ConfigureAwait(false);
        }
        else if (path.StartsWith("/computeMetadata/", StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method))
        {
            await MetadataAsync(context, path).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task TokenEndpointAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
        if (form.TryGetValue("assertion", out var received))
        {
            _assertions.Enqueue(received.ToString());
        }

        if (_failures.TryDequeue(out var failure))
        {
            await OAuthErrorAsync(context, failure.Status, failure.Error, failure.Description).ConfigureAwait(false);
            return;
        }

        var refusal = form["grant_type"].ToString() switch
        {
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => CheckAssertion(form["assertion"].ToString()),
            "refresh_token" => CheckRefresh(form["client_id"].ToString(), form["client_secret"].ToString(), form["refresh_token"].ToString()),
            _ => (400, "unsupported_grant_type", "Invalid grant_type."),
        };
        if (refusal is { } refused)
        {
            await OAuthErrorAsync(context, refused.Status, refused.Error, refused.Description).ConfigureAwait(false);
            return;
        }

        await TokenAnswerAsync(context, metadata: false).ConfigureAwait(false);
    }

    private (int Status, string Error, string Description)? CheckAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return (400, "invalid_grant", "Invalid JWT: not three parts.");
        }

        JsonNode? header;
        JsonNode? claims;
        try
        {
            header = JsonNode.Parse(Base64UrlDecode(parts[0]));
            claims = JsonNode.Parse(Base64UrlDecode(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (400, "invalid_grant", "Invalid JWT: not base64url JSON.");
        }

        if (header?["alg"]?.GetValue<string>() != "RS256")
        {
            return (400, "invalid_grant", "Invalid JWT: alg must be RS256.");
        }

        var issuer = claims?["iss"]?.GetValue<string>() ?? string.Empty;
        if (!_serviceAccounts.TryGetValue(issuer, out var key))
        {
            return (400, "invalid_grant", "Invalid JWT: No valid verifier found for issuer.");
        }

        var signature = Base64UrlDecode(parts[2]);
        if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (400, "invalid_grant", "Invalid JWT Signature.");
        }

        if (claims?["aud"]?.GetValue<string>() != TokenUri.AbsoluteUri)
        {
            return (400, "invalid_grant", "Invalid JWT: audience is not this token endpoint.");
        }

        if (claims?["scope"]?.GetValue<string>() is not { } scope || !scope.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform"))
        {
            return (400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var issuedAt = claims?["iat"]?.GetValue<long>() ?? 0;
        var expires = claims?["exp"]?.GetValue<long>() ?? 0;
        if (expires - issuedAt is <= 0 or > 3600 || Math.Abs(now - issuedAt) > 300 || expires <= now)
        {
            return (400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        }

        return null;
    }

    private (int Status, string Error, string Description)? CheckRefresh(string clientId, string clientSecret, string refreshToken)
    {
        if (!_users.TryGetValue(clientId, out var user) || user.Secret != clientSecret)
        {
            return (401, "invalid_client", "The OAuth client was not found.");
        }

        return user.RefreshToken == refreshToken ? null : (400, "invalid_grant", "Token has been expired or revoked.");
    }

    private async Task MetadataAsync(HttpContext context, string path)
    {
        if (AnswerAsMetadataServer)
        {
            context.Response.Headers["Metadata-Flavor"] = "Google";
        }

        if (context.Request.Headers["Metadata-Flavor"].ToString() != "Google")
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("Missing required header \"Metadata-Flavor\": \"Google\"").ConfigureAwait(false);
            return;
        }

        if (path == MetadataTokenPath)
        {
            Interlocked.Increment(ref _metadataTokenRequests);
            if (_failures.TryDequeue(out var failure))
            {
                await OAuthErrorAsync(context, failure.Status, failure.Error, failure.Description).ConfigureAwait(false);
                return;
            }

            await TokenAnswerAsync(context, metadata: true).ConfigureAwait(false);
        }
        else if (path == MetadataProjectPath)
        {
            context.Response.ContentType = "application/text";
            await context.Response.WriteAsync(MetadataProjectId).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task TokenAnswerAsync(HttpContext context, bool metadata)
    {
        var answer = new JsonObject
        {
            ["access_token"] = AccessToken,
            ["expires_in"] = (long)TokenLifetime.TotalSeconds,
            ["token_type"] = "Bearer",
        };
        if (!metadata)
        {
            answer["scope"] = "https://www.googleapis.com/auth/cloud-platform";
        }

        if (PaddingBytes > 0)
        {
            answer["padding"] = new string('x', PaddingBytes);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString()).ConfigureAwait(false);
    }

    private static async Task OAuthErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString()).ConfigureAwait(false);
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
