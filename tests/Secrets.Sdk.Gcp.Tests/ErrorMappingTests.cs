using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Gcp.Tests;

public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData("NOT_FOUND", 404, SecretErrorKind.NotFound)]
    [InlineData("PERMISSION_DENIED", 403, SecretErrorKind.AccessDenied)]
    [InlineData("UNAUTHENTICATED", 401, SecretErrorKind.Unauthenticated)]
    [InlineData("RESOURCE_EXHAUSTED", 429, SecretErrorKind.Throttled)]
    [InlineData("UNAVAILABLE", 503, SecretErrorKind.Unavailable)]
    [InlineData("FAILED_PRECONDITION", 400, SecretErrorKind.Disabled)]
    [InlineData("INVALID_ARGUMENT", 400, SecretErrorKind.InvalidRequest)]
    [InlineData(null, 404, SecretErrorKind.NotFound)]
    [InlineData(null, 502, SecretErrorKind.Unavailable)]
    public void GoogleStatus_MapsToKind(string? status, int code, SecretErrorKind expected) =>
        Assert.Equal(expected, GcpRestClient.Classify(status, code));

    [Fact]
    public async Task HtmlNotFoundPage_IsACleanNotFound_NotAParseError()
    {
        await using var f = await GcpFixture.StartAsync();
        using var rest = f.RestClient();

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => rest.SendAsync(HttpMethod.Get, "v1/not/an/api/path", null, GcpJsonContext.Default.AccessSecretVersionResponse, new Secrets.Sdk.Http.BackendOperation("versions.access", "x"), default));

        Assert.Equal(SecretErrorKind.NotFound, ex.Kind);
        Assert.Equal(404, ex.Status);
        Assert.Contains("not Google's JSON error body", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("html", ex.Message, StringComparison.OrdinalIgnoreCase); // the page itself is never quoted
    }

    [Fact]
    public async Task JsonErrors_CarryStatusMessageAndKind()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("denied", "d");
        f.Gcp.Deny("denied");
        using var rest = f.RestClient();
        using var badToken = f.RestClient(token: "wrong-token");
        var path = $"v1/projects/{GcpEmulator.ProjectId}/secrets/denied/versions/latest:access";

        var denied = await Assert.ThrowsAsync<SecretStoreException>(() => rest.SendAsync(HttpMethod.Get, path, null, GcpJsonContext.Default.AccessSecretVersionResponse, new Secrets.Sdk.Http.BackendOperation("versions.access", "denied"), default));
        var unauthenticated = await Assert.ThrowsAsync<SecretStoreException>(() => badToken.SendAsync(HttpMethod.Get, path, null, GcpJsonContext.Default.AccessSecretVersionResponse, new Secrets.Sdk.Http.BackendOperation("versions.access", "denied"), default));
        f.Gcp.ThrottleNext(1);
        var throttled = await Assert.ThrowsAsync<SecretStoreException>(() => rest.SendAsync(HttpMethod.Get, path, null, GcpJsonContext.Default.AccessSecretVersionResponse, new Secrets.Sdk.Http.BackendOperation("versions.access", "denied"), default));

        Assert.Equal((SecretErrorKind.AccessDenied, "PERMISSION_DENIED", 403), (denied.Kind, denied.ErrorCode, denied.Status));
        Assert.Equal((SecretErrorKind.Unauthenticated, "UNAUTHENTICATED", 401), (unauthenticated.Kind, unauthenticated.ErrorCode, unauthenticated.Status));
        Assert.Equal((SecretErrorKind.Throttled, "RESOURCE_EXHAUSTED", 429), (throttled.Kind, throttled.ErrorCode, throttled.Status));
        Assert.True(throttled.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.RetryAfter);
        Assert.Contains("denied", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongProject_IsAccessDenied_NamingTheSecret()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("Key", "v");

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(o =>
        {
            o.ProjectId = "someone-elses-project";
            o.AddSecret("Key");
        }));

        Assert.Contains("Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PERMISSION_DENIED", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectMatcher_AcceptsTheIdAndTheLearnedNumber_RefusesAnotherProject()
    {
        var matcher = new GcpProjectMatcher("orders-prod", location: null);
        Assert.True(GcpResourceNames.TryParse("projects/123456789012/secrets/db", out var byNumber));
        Assert.True(GcpResourceNames.TryParse("projects/orders-prod/secrets/db/versions/3", out var byId));
        Assert.True(GcpResourceNames.TryParse("projects/999999999999/secrets/db", out var other));
        Assert.True(GcpResourceNames.TryParse("projects/123456789012/locations/europe-west1/secrets/db", out var regional));

        Assert.True(matcher.Matches(byNumber));
        Assert.Equal("123456789012", matcher.ProjectNumber);
        Assert.True(matcher.Matches(byId));
        Assert.Equal("3", byId.Version);
        Assert.False(matcher.Matches(other));
        Assert.False(matcher.Matches(regional));
        Assert.False(GcpResourceNames.TryParse("projects/p/secrets/db/versions", out _));
        Assert.False(GcpResourceNames.TryParse("projects//secrets/db", out _));
    }

    [Fact]
    public async Task ProjectFromGoogleCloudProject_WhenNotSet()
    {
        await using var f = await GcpFixture.StartAsync();
        f.Gcp.CreateSecret("FromEnv", "e");
        Environment.SetEnvironmentVariable("GOOGLE_CLOUD_PROJECT", GcpEmulator.ProjectNumber);
        try
        {
            var config = f.Build(o => o.ProjectId = null);

            Assert.Equal("e", config["FromEnv"]);
            Assert.All(f.Gcp.Requests, r => Assert.Contains($"projects/{GcpEmulator.ProjectNumber}/", r, StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_CLOUD_PROJECT", null);
        }
    }
}
