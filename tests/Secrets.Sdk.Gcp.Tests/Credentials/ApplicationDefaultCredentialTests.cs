using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Gcp.Tests.Credentials;

public sealed class ApplicationDefaultCredentialTests
{
    [Fact]
    public async Task GoogleApplicationCredentials_NamesAServiceAccountKey_UsedFirst()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.Environment["GOOGLE_APPLICATION_CREDENTIALS"] = f.ServiceAccountKeyFile();
        f.Environment["GCE_METADATA_HOST"] = f.Tokens.MetadataHost;
        using var credential = f.ApplicationDefault();

        Assert.Equal(GcpEmulator.Token, (await credential.GetAccessTokenAsync()).Token);

        Assert.IsType<ServiceAccountTokenSource>(((ApplicationDefaultTokenSource)credential.Source).Resolved);
        Assert.Contains(CredentialFixture.Email, credential.Description, StringComparison.Ordinal);
        Assert.Equal(1, f.Tokens.TokenRequests);
        Assert.Equal(0, f.Tokens.MetadataTokenRequests);
    }

    [Fact]
    public async Task GcloudWellKnownFile_UserCredentials_RefreshTokenGrant()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.WriteFile(".config/gcloud/application_default_credentials.json", f.Tokens.CreateAuthorizedUserFile("client-1", "client-secret", "refresh-1"));
        f.Environment["GCE_METADATA_HOST"] = f.Tokens.MetadataHost;
        using var credential = f.ApplicationDefault();

        Assert.Equal(GcpEmulator.Token, (await credential.GetAccessTokenAsync()).Token);

        Assert.IsType<AuthorizedUserTokenSource>(((ApplicationDefaultTokenSource)credential.Source).Resolved);
        Assert.Equal(1, f.Tokens.TokenRequests);
        Assert.Empty(f.Tokens.Assertions);
        Assert.Null(await credential.GetProjectIdAsync());
    }

    [Fact]
    public async Task RevokedRefreshToken_IsUnauthenticated_NamingTheFile_NotTheRefreshToken()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.Tokens.CreateAuthorizedUserFile("client-1", "client-secret", "refresh-current");
        f.Environment["GOOGLE_APPLICATION_CREDENTIALS"] = f.WriteFile("user.json", $"{{\"type\":\"authorized_user\",\"client_id\":\"client-1\",\"client_secret\":\"client-secret\",\"refresh_token\":\"refresh-revoked\",\"token_uri\":\"{f.Tokens.TokenUri}\"}}");
        using var credential = f.ApplicationDefault();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.Unauthenticated, ex.Kind);
        Assert.Equal("invalid_grant", ex.ErrorCode);
        Assert.Contains("user.json", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-revoked", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFile_UsesTheMetadataServer_TokenAndProject()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.Environment["GCE_METADATA_HOST"] = f.Tokens.MetadataHost;
        f.Tokens.TokenLifetime = TimeSpan.FromMinutes(30);
        using var credential = f.ApplicationDefault();

        var token = await credential.GetAccessTokenAsync();
        await credential.GetAccessTokenAsync();

        Assert.Equal(GcpEmulator.Token, token.Token);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromMinutes(30), token.ExpiresOn);
        Assert.Equal(GcpEmulator.ProjectId, await credential.GetProjectIdAsync());
        Assert.IsType<MetadataServerTokenSource>(((ApplicationDefaultTokenSource)credential.Source).Resolved);
        Assert.Equal(1, f.Tokens.MetadataTokenRequests);
        Assert.Equal(0, f.Tokens.TokenRequests);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerAsTheMetadataServer_IsRefused()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.Environment["GCE_METADATA_HOST"] = f.Tokens.MetadataHost;
        f.Tokens.AnswerAsMetadataServer = false;
        using var credential = f.ApplicationDefault();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("Metadata-Flavor: Google", ex.Message, StringComparison.Ordinal);
        Assert.Contains(f.Tokens.MetadataHost, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataServerRefusal_IsClassifiedByStatus()
    {
        await using var f = await CredentialFixture.StartAsync();
        f.Environment["GCE_METADATA_HOST"] = f.Tokens.MetadataHost;
        f.Tokens.FailNext(503, "unavailable", "The metadata server is restarting.");
        using var credential = f.ApplicationDefault();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Contains("metadata server", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingFound_AndNoMetadataServer_SaysWhatWasLookedFor()
    {
        await using var f = await CredentialFixture.StartAsync();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        f.Environment["GCE_METADATA_HOST"] = $"127.0.0.1:{closedPort}";
        using var credential = f.ApplicationDefault();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.True(ex.IsTransient);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(f.Folder, ".config", "gcloud", "application_default_credentials.json"), ex.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalAccountFile_FailsNamingTheFileTheTypeAndTheWayOut()
    {
        await using var f = await CredentialFixture.StartAsync();
        var path = f.WriteFile("federation.json", "{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q\"}");
        f.Environment["GOOGLE_APPLICATION_CREDENTIALS"] = path;
        using var credential = f.ApplicationDefault();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await credential.GetAccessTokenAsync());

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'external_account'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GcpCredential.FromTokenProvider", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretManagerSource_WithAServiceAccountKey_LoadsThroughTheTokenEndpoint_ProjectFromTheKey()
    {
        await using var f = await CredentialFixture.StartAsync();
        await using var gcp = new GcpEmulator();
        await gcp.StartAsync();
        gcp.CreateSecret("Database__Password", "p1");
        using var credential = GcpCredential.FromServiceAccountKeyFile(f.ServiceAccountKeyFile(), f.Options);

        var config = new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = f.Time;
            s.AddGcpSecretManager(o =>
            {
                o.Endpoint = gcp.Address;
                o.Credential = credential;
                o.RefreshInterval = null;
            });
        }).Build();

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal(1, f.Tokens.TokenRequests);
        Assert.Equal(0, gcp.AuthFailures);
    }
}
