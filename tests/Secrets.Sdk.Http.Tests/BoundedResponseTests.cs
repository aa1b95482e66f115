using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Secrets.Sdk.Http.Tests;

/// <summary>Measures allocations, so it runs alone: no other test allocates in the process meanwhile.</summary>
[Collection(MemoryMeasurement.Name)]
public sealed class BoundedResponseTests(ITestOutputHelper output)
{
    private const long TwoHundredMegabytes = 200L * 1024 * 1024;
    private const int Cap = BackendHttpOptions.DefaultMaxResponseBytes;

    // Buffers are pooled, so a refused body usually allocates almost nothing; when the pool misses, the doubling buffers
    // cost about 2 x cap. Anything near 200 MB fails this.
    private const long AllocationBudget = (2L * Cap) + (4L * 1024 * 1024);

    [Fact]
    public async Task TwoHundredMegabyteBody_WithContentLength_FailsBeforeReading()
    {
        await using var server = await HostileServer.StartAsync(async context =>
        {
            context.Response.ContentLength = TwoHundredMegabytes;
            await HostileServer.StreamAsync(context, TwoHundredMegabytes);
        });
        using var client = Kit.Client(server);

        var (ex, allocated) = await MeasureAsync(() => Kit.ReadAsync(client));

        AssertTooLarge(ex);
        Assert.True(allocated < 3L * 1024 * 1024, $"allocated {allocated} bytes for a body refused by its Content-Length");
    }

    [Fact]
    public async Task TwoHundredMegabyteChunkedBody_FailsAfterTheCap_WithBoundedMemory()
    {
        await using var server = await HostileServer.StartAsync(context => HostileServer.StreamAsync(context, TwoHundredMegabytes));
        using var client = Kit.Client(server);

        var (ex, allocated) = await MeasureAsync(() => Kit.ReadAsync(client));

        AssertTooLarge(ex);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes; budget {AllocationBudget}");
    }

    [Fact]
    public async Task EndlessChunkedBody_FailsAfterTheCap_WithBoundedMemory()
    {
        await using var server = await HostileServer.StartAsync(context => HostileServer.StreamAsync(context, long.MaxValue));
        using var client = Kit.Client(server);

        var (ex, allocated) = await MeasureAsync(() => Kit.ReadAsync(client));

        AssertTooLarge(ex);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes; budget {AllocationBudget}");
    }

    [Fact]
    public async Task BodyOfExactlyTheCap_IsRead()
    {
        const int cap = 64 * 1024;
        await using var server = await HostileServer.StartAsync(async context =>
        {
            var padding = new string(' ', cap - "{\"Value\":\"v\"}".Length);
            await context.Response.WriteAsync("{\"Value\":\"v\"}" + padding);
        });
        using var client = Kit.Client(server, new BackendHttpOptions { MaxResponseBytes = cap, MaxSecretBytes = 1024 });

        var answer = await Kit.ReadAsync(client);

        Assert.Equal("v", answer.Value);
    }

    [Fact]
    public async Task BodyOfOneByteMoreThanTheCap_IsRefused()
    {
        const int cap = 64 * 1024;
        await using var server = await HostileServer.StartAsync(context => HostileServer.StreamAsync(context, cap + 1));
        using var client = Kit.Client(server, new BackendHttpOptions { MaxResponseBytes = cap, MaxSecretBytes = 1024 });

        var ex = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.ReadAsync(client));

        AssertTooLarge(ex);
    }

    [Fact]
    public async Task Body_IsGoneOnceTheResponseIsDisposed()
    {
        await using var server = await HostileServer.StartAsync(HostileServer.Answer(200, "{\"Value\":\"v\"}"));
        using var client = Kit.Client(server);
        var response = await Kit.GetAsync(client);
        Assert.Equal(13, response.Body.Length);

        response.Dispose();

        Assert.Throws<ObjectDisposedException>(() => response.Body);
        Assert.Throws<ObjectDisposedException>(() => response.ReadJson(TestJsonContext.Default.SampleAnswer));
    }

    private static void AssertTooLarge(SecretStoreException? ex)
    {
        Assert.NotNull(ex);
        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GetThing", ex.Message, StringComparison.Ordinal);
        Assert.Equal("orders/db", ex.SecretName);
    }

    private async Task<(SecretStoreException? Error, long Allocated)> MeasureAsync(Func<Task> call)
    {
        // Warm up the connection pool and JIT with a call that fails the same way, then measure a second call.
        await Record(call);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Record(call);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"allocated {allocated} bytes (cap {Cap}, budget {AllocationBudget})");
        return (error, allocated);
    }

    private static async Task<SecretStoreException?> Record(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (SecretStoreException ex)
        {
            return ex;
        }
    }
}
