using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Sdk.Http;
using Secrets.Sdk.Http.Tests;

namespace Secrets.Sdk.Aws.Tests;

/// <summary>The Secrets Manager backend against a server that answers badly: each malformed answer is a classified error.</summary>
public sealed class HostileSecretsManagerTests
{
    [Fact]
    public async Task BatchWithOneMalformedSecret_FailsOnlyThatSecret()
    {
        await using var server = await HostileServer.StartAsync(Answer(target => target switch
        {
            "BatchGetSecretValue" => """
                {"SecretValues":[
                  {"Name":"app/a","VersionId":"v1","SecretString":"A"},
                  {"Name":"app/b","VersionId":"v1","SecretBinary":"%%not-base64%%"},
                  {"Name":"app/c","VersionId":"v1","SecretBinary":"AAEC"},
                  {"Name":"app/e","VersionId":"v1"}
                ],"Errors":[]}
                """,
            _ => "{}",
        }));
        using var store = CreateStore(server, o => o.AddSecret("app/a").AddSecret("app/b").AddSecret("app/c").AddSecret("app/d").AddSecret("app/e"));

        var results = await store.GetSecretsAsync([Meta("app/a"), Meta("app/b"), Meta("app/c"), Meta("app/d"), Meta("app/e")], CancellationToken.None);

        Assert.Equal("A", results[0].Secret!.Value.GetText());
        AssertInvalid(results[1], "app/b", "not valid base64");
        Assert.Equal(new byte[] { 0, 1, 2 }, results[2].Secret!.Value.GetBytes());
        AssertInvalid(results[3], "app/d", "neither a value nor an error");
        AssertInvalid(results[4], "app/e", "neither SecretString nor SecretBinary");
    }

    [Fact]
    public async Task SecretAboveMaxSecretBytes_FailsOnlyThatSecret()
    {
        var big = new string('x', 5000);
        await using var server = await HostileServer.StartAsync(Answer(_ =>
            "{\"SecretValues\":[{\"Name\":\"app/a\",\"SecretString\":\"small\"},{\"Name\":\"app/big\",\"SecretString\":\"" + big + "\"}]}"));
        using var store = CreateStore(server, o =>
        {
            o.AddSecret("app/a").AddSecret("app/big");
            o.Http.MaxSecretBytes = 4096;
        });

        var results = await store.GetSecretsAsync([Meta("app/a"), Meta("app/big")], CancellationToken.None);

        Assert.True(results[0].Succeeded);
        AssertInvalid(results[1], "app/big", "MaxSecretBytes");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"SecretString\": ")]
    [InlineData("null")]
    public async Task MalformedGetSecretValue_IsInvalidResponse_ForThatSecret(string body)
    {
        await using var server = await HostileServer.StartAsync(Answer(_ => body));
        using var store = CreateStore(server, o => o.AddSecret("app/a", versionStage: "AWSPREVIOUS"));

        var result = Assert.Single(await store.GetSecretsAsync([Meta("app/a#AWSPREVIOUS", "app/a", "AWSPREVIOUS")], CancellationToken.None));

        AssertInvalid(result, "app/a", "GetSecretValue");
    }

    [Fact]
    public async Task RepeatedNextToken_IsInvalidResponse_NotALoop()
    {
        await using var server = await HostileServer.StartAsync(Answer(_ => "{\"SecretList\":[{\"Name\":\"app/a\"}],\"NextToken\":\"again\"}"));
        using var store = CreateStore(server, o => o.NamePrefix = "app/");

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("ListSecrets", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task TooManyPages_IsInvalidResponse()
    {
        var page = 0;
        await using var server = await HostileServer.StartAsync(Answer(_ => "{\"SecretList\":[],\"NextToken\":\"t" + Interlocked.Increment(ref page) + "\"}"));
        using var store = CreateStore(server, o =>
        {
            o.NamePrefix = "app/";
            o.Http.MaxPages = 7;
        });

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Contains("more than 7 pages", ex.Message, StringComparison.Ordinal);
        Assert.Equal(7, server.Requests.Count);
    }

    [Fact]
    public async Task Redirect_IsNeverFollowed_AndTheTargetNeverSeesTheSignedHeaders()
    {
        await using var target = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"SecretList\":[]}"));
        await using var origin = await HostileServer.StartAsync(context =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = target.LocalhostAddress.ToString();
            return Task.CompletedTask;
        });
        using var store = CreateStore(origin, o => o.NamePrefix = "app/");

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await store.ListSecretsAsync(CancellationToken.None));

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains(target.LocalhostAddress.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains("never follows redirects", ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests);
        Assert.StartsWith("AWS4-HMAC-SHA256", Assert.Single(origin.Requests).Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceMaxSecretBytes_IsTheTransportsValueLimitToo()
    {
        await using var f = await AwsFixture.StartAsync();
        f.Aws.CreateSecret("app/big", new string('x', 1536 * 1024));

        var refused = Assert.Throws<SecretsLoadException>(() => f.Build(o => o.AddSecret("app/big", section: "Big")));
        var config = f.Build(o =>
        {
            o.MaxSecretBytes = 2 * 1024 * 1024;
            o.AddSecret("app/big", section: "Big");
        });

        Assert.Contains("app/big", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1536 * 1024, config["Big"]!.Length);
    }

    [Fact]
    public void PlainHttpToANonLoopbackEndpoint_IsRefused_UnlessAllowed()
    {
        var builder = new SecretsManagerBuilder();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddAwsSecretsManager(o =>
        {
            o.Region = "us-east-1";
            o.ServiceUrl = new Uri("http://secretsmanager.internal.example/");
            o.AddSecret("app/a");
        }));

        Assert.Contains("AllowInsecureHttp", ex.Message, StringComparison.Ordinal);
        builder.AddAwsSecretsManager(o =>
        {
            o.Region = "us-east-1";
            o.ServiceUrl = new Uri("http://secretsmanager.internal.example/");
            o.Http.AllowInsecureHttp = true;
            o.AddSecret("app/a");
        });
    }

    private static void AssertInvalid(SecretReadResult result, string secret, string detail)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(SecretErrorKind.InvalidResponse, result.Error!.Kind);
        Assert.Equal(secret, result.Error.SecretName);
        Assert.Contains(secret, result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, result.Error.Message, StringComparison.Ordinal);
    }

    private static SecretMetadata Meta(string name, string? secretId = null, string stage = "AWSCURRENT") => new(name)
    {
        VersionStage = stage,
        StoreData = new AwsSecretHandle(secretId ?? name),
    };

    private static RequestDelegate Answer(Func<string, string> body) => context =>
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        return HostileServer.Answer(200, body(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]), "application/x-amz-json-1.1")(context);
    };

    private static AwsSecretsManagerStore CreateStore(HostileServer server, Action<AwsSecretsManagerSourceOptions> configure)
    {
        var options = new AwsSecretsManagerSourceOptions { Region = "us-east-1", ServiceUrl = server.Address };
        configure(options);
        var http = BackendHttpClient.Create(server.Address, "AWS Secrets Manager", "aws-secretsmanager:us-east-1", options.Http);
        var client = new SecretsManagerClient(http, server.Address, "us-east-1", _ => ValueTask.FromResult(new AwsSigningCredentials("AKIDTEST", "secret", null)), TimeProvider.System);
        return new AwsSecretsManagerStore(client, options, NullLogger.Instance);
    }
}
