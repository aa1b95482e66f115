using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Http.Tests;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("Retry-After", "Mon, 30 Nov 2026 08:00:12 GMT", 12000)]
    [InlineData("Retry-After", "Monday, 30-Nov-26 08:00:05 GMT", 5000)]
    [InlineData("Retry-After", "Mon Nov 30 08:00:03 2026", 3000)]
    [InlineData("Retry-After", "Mon, 30 Nov 2026 07:00:00 GMT", 0)]
    [InlineData("retry-after-ms", "1500", 1500)]
    [InlineData("x-ms-retry-after-ms", "250", 250)]
    public async Task ThrottledAnswer_CarriesTheServersDelay(string header, string value, int expectedMilliseconds)
    {
        var time = new ManualTimeProvider(Now);
        await using var server = await HostileServer.StartAsync(context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers[header] = value;
            return Task.CompletedTask;
        });
        using var client = Kit.Client(server, time: time);
        using var response = await Kit.GetAsync(client);

        var ex = response.CreateError("TooManyRequests", "slow down");

        Assert.Equal(SecretErrorKind.Throttled, ex.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), ex.RetryAfter);
        Assert.Equal(ex.RetryAfter, response.RetryAfter);
    }

    [Fact]
    public async Task MillisecondHeaders_WinOverRetryAfter()
    {
        await using var server = await HostileServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers["Retry-After"] = "30";
            context.Response.Headers["x-ms-retry-after-ms"] = "100";
            return Task.CompletedTask;
        });
        using var client = Kit.Client(server);
        using var response = await Kit.GetAsync(client);

        Assert.Equal(TimeSpan.FromMilliseconds(100), response.RetryAfter);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("1.5")]
    public void UnparsableRetryAfter_IsIgnored(string value) =>
        Assert.Null(RetryAfterParser.ParseRetryAfter(value, Now));

    [Theory]
    [InlineData("99999999999999999999999999999999999999")]
    [InlineData("86401")]
    public void HugeRetryAfter_IsClampedToOneDay(string value) =>
        Assert.Equal(RetryAfterParser.MaxDelay, RetryAfterParser.ParseRetryAfter(value, Now));

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    public void UnparsableMilliseconds_AreIgnored(string value) =>
        Assert.Null(RetryAfterParser.ParseMilliseconds(value));
}
