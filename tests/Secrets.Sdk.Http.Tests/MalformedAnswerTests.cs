namespace Secrets.Sdk.Http.Tests;

public sealed class MalformedAnswerTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    public async Task EmptyBody_IsInvalidResponse_NamingOperationAndSecret(int status)
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(status, null));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
        Assert.Contains("empty body", ex.Message, StringComparison.Ordinal);
        Assert.Equal(status, ex.Status);
    }

    [Fact]
    public async Task WhiteSpaceBody_IsInvalidResponse()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, " \r\n\t "));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
        Assert.Contains("empty body", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonNull_IsInvalidResponse()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "null"));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
        Assert.Contains("JSON null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyObject_MissingField_IsInvalidResponse()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{}"));
        using var client = Kit.Client(server);
        var answer = await Kit.ReadAsync(client);

        var ex = Assert.Throws<SecretStoreException>(() => client.ReadSecretText(answer.Value, Kit.Read, "Value"));

        AssertInvalid(ex);
        Assert.Contains("without 'Value'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=bogus-8")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task WrongOrBogusCharset_IsInvalidResponse(string contentType)
    {
        await using var server = await HostileServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.Headers.ContentType = contentType;
            await context.Response.Body.WriteAsync("{\"Value\":\"x\"}"u8.ToArray());
        });
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
        Assert.Contains("charset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf8CharsetAndBom_AreAccepted()
    {
        await using var server = await HostileServer.StartAsync(async context =>
        {
            context.Response.Headers.ContentType = "application/json; charset=UTF-8";
            await context.Response.Body.WriteAsync("\uFEFF{\"Value\":\"ok\"}"u8.ToArray());
        });
        using var client = Kit.Client(server);

        var answer = await Kit.ReadAsync(client);

        Assert.Equal("ok", answer.Value);
    }

    [Fact]
    public async Task MalformedJson_IsInvalidResponse_WithoutQuotingTheBody()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\": S3CR3T-VALUE"));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
        Assert.Contains("malformed JSON", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3CR3T", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'S'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongShape_IsInvalidResponse()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\": {\"nested\": true}}"));
        using var client = Kit.Client(server);

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertInvalid(ex);
    }

    [Theory]
    [InlineData("not*base64!")]
    [InlineData("abc")]
    [InlineData("====")]
    public async Task InvalidBase64_IsInvalidResponse(string binary)
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Binary\":\"" + binary + "\"}"));
        using var client = Kit.Client(server);
        var answer = await Kit.ReadAsync(client);

        var ex = Assert.Throws<SecretStoreException>(() => client.ReadSecretBase64(answer.Binary, Kit.Read, "Binary"));

        AssertInvalid(ex);
        Assert.Contains("not valid base64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidBase64_DecodesToBinaryValue()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Binary\":\"AAEC/w==\"}"));
        using var client = Kit.Client(server);
        var answer = await Kit.ReadAsync(client);

        var value = client.ReadSecretBase64(answer.Binary, Kit.Read, "Binary");

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, value.GetBytes());
        Assert.False(value.IsText);
    }

    [Fact]
    public async Task SecretValueAboveMaxSecretBytes_IsInvalidResponse_ButTheAnswerIsRead()
    {
        var big = new string('x', 2048);
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\":\"" + big + "\",\"Binary\":\"" + Convert.ToBase64String(new byte[2048]) + "\"}"));
        using var client = Kit.Client(server, new BackendHttpOptions { MaxSecretBytes = 1024 });
        var answer = await Kit.ReadAsync(client);

        var text = Assert.Throws<SecretStoreException>(() => client.ReadSecretText(answer.Value, Kit.Read, "Value"));
        var binary = Assert.Throws<SecretStoreException>(() => client.ReadSecretBase64(answer.Binary, Kit.Read, "Binary"));

        AssertInvalid(text);
        AssertInvalid(binary);
        Assert.Contains("MaxSecretBytes", text.Message, StringComparison.Ordinal);
        Assert.Contains("MaxSecretBytes", binary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorAnswer_KeepsStatusCodeKindAndShortensTheServersMessage()
    {
        var longMessage = new string('m', 5000);
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(403, "{\"Code\":\"Denied\",\"Message\":\"" + longMessage + "\"}"));
        using var client = Kit.Client(server);
        using var response = await Kit.GetAsync(client);

        var error = response.TryReadJson(TestJsonContext.Default.SampleError);
        var ex = response.CreateError(error?.Code, error?.Message);

        Assert.Equal(SecretErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(403, ex.Status);
        Assert.Equal("Denied", ex.ErrorCode);
        Assert.Equal("orders/db", ex.SecretName);
        Assert.True(ex.Message.Length < 700, ex.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ErrorAnswer_ThatIsNotJson_IsStillClassifiedByStatus()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(502, "<html>bad gateway</html>", "text/html"));
        using var client = Kit.Client(server);
        using var response = await Kit.GetAsync(client);

        Assert.Null(response.TryReadJson(TestJsonContext.Default.SampleError));
        var ex = response.CreateError(null, null);

        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
    }

    private static void AssertInvalid(SecretStoreException ex)
    {
        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal("test-store", ex.StoreName);
        Assert.Equal("orders/db", ex.SecretName);
        Assert.Contains("GetThing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("orders/db", ex.Message, StringComparison.Ordinal);
    }
}
