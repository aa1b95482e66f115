using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Sdk.Http.Tests;

namespace Secrets.Sdk.Vault.Tests;

public sealed class CredentialFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vault-credentials-").FullName;

    [Fact]
    public async Task TokenFile_IsReadTrimmed_AndSentAsTheToken()
    {
        var path = Path.Combine(_dir, "token");
        await File.WriteAllTextAsync(path, "  hvs.from-file\n");
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"data\":{\"accessor\":\"a\",\"ttl\":0}}"));
        await using var connection = Connect(server, VaultAuthentication.TokenFile(path));

        var token = await connection.Tokens.GetTokenAsync(CancellationToken.None);

        Assert.Equal("hvs.from-file", token);
        Assert.Equal("hvs.from-file", Assert.Single(server.Requests).Headers["X-Vault-Token"]);
    }

    [Fact]
    public async Task HugeJwtFile_IsRefusedNamingTheFile_WithoutReadingItAll()
    {
        var path = Path.Combine(_dir, "jwt");
        await File.WriteAllBytesAsync(path, new byte[CredentialFile.MaxBytes * 4]);
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var connection = Connect(server, VaultAuthentication.Kubernetes("orders", path));

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await connection.Tokens.GetTokenAsync(CancellationToken.None));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task MissingSecretIdFile_IsAClassifiedError()
    {
        var path = Path.Combine(_dir, "missing");
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        await using var connection = Connect(server, VaultAuthentication.AppRole("role", secretIdFile: path));

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await connection.Tokens.GetTokenAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static VaultConnection Connect(HostileServer server, VaultAuthentication authentication) =>
        VaultConnection.Create(new VaultSourceOptions { Address = server.Address, Authentication = authentication }, new VaultTokenRenewalOptions(), TimeProvider.System, NullLogger.Instance);
}
