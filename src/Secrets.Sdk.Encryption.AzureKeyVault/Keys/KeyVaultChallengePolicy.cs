using Azure.Core;
using Azure.Core.Pipeline;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Key Vault's challenge-based authentication over Azure.Core's bearer policy: the first request goes out without a token
/// (and without its body, so a data key never travels before the vault is authenticated), the vault answers 401 with
/// <c>WWW-Authenticate: Bearer authorization="https://login…/TENANT", resource="https://vault.azure.net"</c> (or
/// <c>scope</c>), and the request is sent again with a token for that scope and tenant. The learnt scope is reused.
/// </summary>
/// <remarks>https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses (the 401 challenge).</remarks>
internal sealed class KeyVaultChallengePolicy : BearerTokenAuthenticationPolicy
{
    private const string StashedContent = "Secrets.Sdk.Azure.StashedContent";
    private readonly bool _verifyResource;
    private volatile Challenge? _challenge;

    public KeyVaultChallengePolicy(TokenCredential credential, bool verifyResource)
        : base(credential, "https://vault.azure.net/.default")
    {
        _verifyResource = verifyResource;
    }

    protected override ValueTask AuthorizeRequestAsync(HttpMessage message)
    {
        if (_challenge is { } known)
        {
            return AuthenticateAndAuthorizeRequestAsync(message, new TokenRequestContext([known.Scope], tenantId: known.TenantId));
        }

        Stash(message);
        return default;
    }

    protected override void AuthorizeRequest(HttpMessage message)
    {
        if (_challenge is { } known)
        {
            AuthenticateAndAuthorizeRequest(message, new TokenRequestContext([known.Scope], tenantId: known.TenantId));
            return;
        }

        Stash(message);
    }

    protected override async ValueTask<bool> AuthorizeRequestOnChallengeAsync(HttpMessage message)
    {
        if (Read(message) is not { } challenge)
        {
            return false;
        }

        _challenge = challenge;
        await AuthenticateAndAuthorizeRequestAsync(message, new TokenRequestContext([challenge.Scope], tenantId: challenge.TenantId)).ConfigureAwait(false);
        return true;
    }

    protected override bool AuthorizeRequestOnChallenge(HttpMessage message)
    {
        if (Read(message) is not { } challenge)
        {
            return false;
        }

        _challenge = challenge;
        AuthenticateAndAuthorizeRequest(message, new TokenRequestContext([challenge.Scope], tenantId: challenge.TenantId));
        return true;
    }

    /// <summary>Parses the challenge's parameters (<c>key="value"</c> pairs after <c>Bearer</c>).</summary>
    internal static Dictionary<string, string> Parameters(string header)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = header.Trim();
        if (!text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return parameters;
        }

        foreach (var part in text["Bearer ".Length..].Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                parameters[part[..equals].Trim()] = part[(equals + 1)..].Trim().Trim('"');
            }
        }

        return parameters;
    }

    private static void Stash(HttpMessage message)
    {
        if (message.Request.Content is { } content)
        {
            message.SetProperty(StashedContent, content);
            message.Request.Content = null;
        }
    }

    private Challenge? Read(HttpMessage message)
    {
        if (!message.Response.Headers.TryGetValue("WWW-Authenticate", out var header) || header is null)
        {
            return null;
        }

        var parameters = Parameters(header);
        string scope;
        if (parameters.TryGetValue("scope", out var given))
        {
            scope = given;
        }
        else if (parameters.TryGetValue("resource", out var resource))
        {
            scope = resource.TrimEnd('/') + "/.default";
        }
        else
        {
            return null;
        }

        if (_verifyResource
            && (!Uri.TryCreate(scope, UriKind.Absolute, out var scopeUri)
                || !("." + message.Request.Uri.Host).EndsWith("." + scopeUri.Host, StringComparison.OrdinalIgnoreCase)))
        {
            // A vault that asks for a token of another audience is refused, so a token never leaves for the wrong service.
            return null;
        }

        var authority = parameters.TryGetValue("authorization", out var a) ? a : parameters.GetValueOrDefault("authorization_uri");
        var tenant = Uri.TryCreate(authority, UriKind.Absolute, out var authorityUri) ? authorityUri.AbsolutePath.Trim('/').Split('/')[0] : null;
        if (message.TryGetProperty(StashedContent, out var stashed) && stashed is RequestContent content)
        {
            message.Request.Content = content;
        }

        return new Challenge(scope, string.IsNullOrEmpty(tenant) ? null : tenant);
    }

    private sealed record Challenge(string Scope, string? TenantId);
}
