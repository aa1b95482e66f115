using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Sdk.Http.Tests;

namespace Secrets.Sdk.Vault.Tests;

/// <summary>The Vault backend against a server that answers badly: every malformed answer is a classified error.</summary>
public sealed class HostileVaultTests
{
    private const string Token = "hvs.hostile-test-token";
    private const string LookupSelf = "{\"data\":{\"accessor\":\"acc\",\"ttl\":0,\"renewable\":false}}";

    [Theory]
    [InlineData(200, "")]
    [InlineData(204, "")]
    [InlineData(200, "{}")]
    [InlineData(200, "{\"data\":null}")]
    [InlineData(200, "{\"data\":{\"metadata\":{\"version\":1}}}")]
    [InlineData(200, "{\"data\":{\"data\":\"not-an-object\"}}")]
    [InlineData(200, "{\"data\": {\"data\": {\"p\": ")]
    public async Task MalformedKvRead_IsInvalidResponse_ForThatSecretOnly(int status, string body)
    {
        await using var server = await HostileServer.StartAsync(context => context.Request.Path.Value switch
        {
            "/v1/auth/token/lookup-self" => HostileServer.Answer(200, LookupSelf)(context),
            "/v1/secret/data/app/bad" => HostileServer.Answer(status, body)(context),
            _ => HostileServer.Answer(200, "{\"data\":{\"data\":{\"password\":\"good\"},\"metadata\":{\"version\":3}}}")(context),
        });
        await using var connection = Connect(server);
        var store = new VaultKeyValueStore(connection, new VaultKeyValuePath("secret", "app") { Version = 2, NeverList = true }, NullLogger.Instance);

        var results = await store.GetSecretsAsync([new SecretMetadata("app/good"), new SecretMetadata("app/bad")], CancellationToken.None);

        Assert.True(results[0].Succeeded);
        Assert.Equal("{\"password\":\"good\"}", results[0].Secret!.Value.GetText());
        var error = results[1].Error!;
        Assert.Equal(SecretErrorKind.InvalidResponse, error.Kind);
        Assert.Equal("app/bad", error.SecretName);
        Assert.Contains("secret/data/app/bad", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BogusCharset_IsInvalidResponse()
    {
        await using var server = await HostileServer.StartAsync(context => context.Request.Path.Value switch
        {
            "/v1/auth/token/lookup-self" => HostileServer.Answer(200, LookupSelf)(context),
            _ => HostileServer.Answer(200, "{\"data\":{\"data\":{\"p\":\"x\"}}}", "application/json; charset=x-bogus")(context),
        });
        await using var connection = Connect(server);
        var store = new VaultKeyValueStore(connection, new VaultKeyValuePath("secret", "app") { Version = 2, NeverList = true }, NullLogger.Instance);

        var result = Assert.Single(await store.GetSecretsAsync([new SecretMetadata("app")], CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, result.Error!.Kind);
        Assert.Contains("charset", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenLookupWithoutData_IsInvalidResponse_NotANeverExpiringToken()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var connection = Connect(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await connection.Tokens.GetTokenAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("lookup-self", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..//")]
    [InlineData("../")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task ListedKeyThatLeavesTheFolder_IsInvalidResponse(string key)
    {
        await using var server = await HostileServer.StartAsync(context => context.Request.Path.Value switch
        {
            "/v1/auth/token/lookup-self" => HostileServer.Answer(200, LookupSelf)(context),
            "/v1/secret/metadata/app" => HostileServer.Answer(404, "{\"errors\":[]}")(context),
            _ => HostileServer.Answer(200, "{\"data\":{\"keys\":[\"ok\"," + JsonSerializer.Serialize(key) + "]}}")(context),
        });
        await using var connection = Connect(server);
        var store = new VaultKeyValueStore(connection, new VaultKeyValuePath("secret", "app") { Version = 2 }, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("not a name below the folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndlesslyNestedFolders_StopAtMaxPages()
    {
        await using var server = await HostileServer.StartAsync(context => context.Request.Path.Value switch
        {
            "/v1/auth/token/lookup-self" => HostileServer.Answer(200, LookupSelf)(context),
            "/v1/secret/metadata/app" => HostileServer.Answer(404, "{\"errors\":[]}")(context),
            _ => HostileServer.Answer(200, "{\"data\":{\"keys\":[\"deeper/\"]}}")(context),
        });
        await using var connection = Connect(server, http => http.MaxPages = 20);
        var store = new VaultKeyValueStore(connection, new VaultKeyValuePath("secret", "app") { Version = 2 }, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("more than 20 pages", ex.Message, StringComparison.Ordinal);
        Assert.Equal(20, server.Requests.Count(r => r.Method == "LIST"));
    }

    [Fact]
    public async Task CrossHostRedirect_IsRefused_AndTheTargetNeverSeesTheToken()
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, LookupSelf));
        await using var origin = await HostileServer.StartAsync(Redirect(target));
        await using var connection = Connect(origin);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await connection.Tokens.GetTokenAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains(origin.Address.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains(target.LocalhostAddress.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandbyRedirect_IsFollowedOnce_WhenConfigured()
    {
        await using var active = await HostileServer.StartAsync(HostileServer.Answer(200, LookupSelf));
        await using var standby = await HostileServer.StartAsync(Redirect(active));
        await using var connection = Connect(standby, configure: o => o.FollowStandbyRedirect = true);

        var token = await connection.Tokens.GetTokenAsync(CancellationToken.None);

        Assert.Equal(Token, token);
        var received = Assert.Single(active.Requests);
        Assert.Equal("/v1/auth/token/lookup-self", received.PathAndQuery);
        Assert.Equal(Token, received.Headers["X-Vault-Token"]);
    }

    private static RequestDelegate Redirect(HostileServer target) => context =>
    {
        context.Response.StatusCode = 307;
        context.Response.Headers.Location = new Uri(target.LocalhostAddress, context.Request.Path.Value!.TrimStart('/')).ToString();
        return Task.CompletedTask;
    };

    private static VaultConnection Connect(HostileServer server, Action<Secrets.Sdk.Http.BackendHttpOptions>? http = null, Action<VaultSourceOptions>? configure = null)
    {
        var options = new VaultSourceOptions { Address = server.Address, Authentication = VaultAuthentication.Token(Token) };
        http?.Invoke(options.Http);
        configure?.Invoke(options);
        return VaultConnection.Create(options, new VaultTokenRenewalOptions(), TimeProvider.System, NullLogger.Instance);
    }
}
