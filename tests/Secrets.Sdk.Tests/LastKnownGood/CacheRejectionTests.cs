using System.Text;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Tests.LastKnownGood;

public sealed class CacheRejectionTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "tampered byte", "could not be decrypted" },
        { "tampered header", "could not be decrypted" },
        { "truncated", "truncated" },
        { "expired", "older than MaxAge" },
        { "wrong application", "written by application 'orders', not 'billing'" },
        { "forged application in the clear header", "could not be decrypted" },
        { "wrong source set", "written for the sources" },
        { "wrong key-encryption key", "key-encryption key" },
        { "over the size cap", "over the MaxFileBytes limit" },
        { "not a cache file", "not a Secrets.Sdk last-known-good cache file" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadCache_IsRejectedWithAClearLogLine_AndNeverServed(string corruption, string reason)
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "cached-sentinel");
        var writer = corruption == "forged application in the clear header" ? "billing" : CacheScenario.Application;
        using (var config = (IDisposable)scenario.Build(c => c.ApplicationName = writer, store))
        {
            await scenario.WaitForWritesAsync(1);
        }

        var file = await File.ReadAllBytesAsync(scenario.CachePath);
        var readAs = store;
        var application = CacheScenario.Application;
        IKeyEncryptionKey? kek = null;
        using var otherKek = CacheScenario.NewKek();
        Action<LastKnownGoodCacheOptions>? options = null;
        switch (corruption)
        {
            case "tampered byte":
                file[^20] ^= 0x01;
                break;
            case "tampered header":
                file[HeaderEnd(file) + 20] ^= 0x01; // in the envelope's message id
                break;
            case "truncated":
                file = file[..(file.Length - 17)];
                break;
            case "expired":
                scenario.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
                break;
            case "wrong application":
                application = "billing";
                break;
            case "forged application in the clear header":
                file = ReplaceClearHeader(file, "\"billing\"", "\"orders\"");
                break;
            case "wrong source set":
                readAs = CacheScenario.Store("orders", scenario.Time);
                readAs.Set("A", "live");
                break;
            case "wrong key-encryption key":
                kek = otherKek;
                break;
            case "over the size cap":
                file = [.. file, .. new byte[2048]];
                options = c => c.MaxFileBytes = 1024;
                break;
            case "not a cache file":
                file = Encoding.UTF8.GetBytes("{\"A\":\"cached-sentinel\"}");
                break;
        }

        await File.WriteAllBytesAsync(scenario.CachePath, file);
        readAs.FailEverything();
        var ex = Assert.Throws<SecretsLoadException>(() => scenario.Build(
            c =>
            {
                c.ApplicationName = application;
                options?.Invoke(c);
            },
            kek,
            readAs));

        Assert.Equal(readAs.Name, ex.SourceName);
        var rejection = Assert.Single(scenario.Rejections);
        Assert.Contains(reason, rejection, StringComparison.Ordinal);
        Assert.Contains(scenario.CachePath, rejection, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Logs.Messages, m => m.Contains("cached-sentinel", StringComparison.Ordinal));
        Assert.DoesNotContain(scenario.Logs.Messages, m => m.StartsWith("Starting from the last-known-good cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoCacheFile_StartupFailsAsWithoutTheCache_SayingThereIsNothingToStartFrom()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "1");
        store.FailEverything();

        Assert.Throws<SecretsLoadException>(() => scenario.Build(null, store));
        await Task.Yield();
        Assert.Contains(scenario.Logs.Messages, m => m.StartsWith("No last-known-good cache at " + scenario.CachePath, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_AreCheckedWhenConfigured_NamingTheSetting()
    {
        var builder = new SecretsManagerBuilder();
        Assert.Contains("KeyEncryptionKey", Assert.Throws<ArgumentException>(() => builder.UseLastKnownGoodCache("/tmp/x.lkg", _ => { })).Message, StringComparison.Ordinal);
        using var kek = CacheScenario.NewKek();
        Assert.Contains("MaxAge", Assert.Throws<ArgumentException>(() => builder.UseLastKnownGoodCache("/tmp/x.lkg", c =>
        {
            c.KeyEncryptionKey = kek;
            c.MaxAge = TimeSpan.Zero;
        })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => builder.UseLastKnownGoodCache(" ", c => c.KeyEncryptionKey = kek));
    }

    private static int HeaderEnd(byte[] file) => 8 + 4 + ((file[8] << 24) | (file[9] << 16) | (file[10] << 8) | file[11]);

    private static byte[] ReplaceClearHeader(byte[] file, string from, string to)
    {
        var end = HeaderEnd(file);
        var header = Encoding.UTF8.GetString(file, 12, end - 12);
        Assert.Contains(from, header, StringComparison.Ordinal);
        var replaced = Encoding.UTF8.GetBytes(header.Replace(from, to, StringComparison.Ordinal));
        var result = new byte[12 + replaced.Length + (file.Length - end)];
        file.AsSpan(0, 8).CopyTo(result);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(8), replaced.Length);
        replaced.CopyTo(result, 12);
        file.AsSpan(end).CopyTo(result.AsSpan(12 + replaced.Length));
        return result;
    }
}
