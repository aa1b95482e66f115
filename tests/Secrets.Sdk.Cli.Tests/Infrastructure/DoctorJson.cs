using System.Text.Json;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>Reads <c>doctor --json</c> output.</summary>
internal static class DoctorJson
{
    /// <summary>The report's only source.</summary>
    public static JsonElement SingleSource(CliRun run) =>
        Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("sources").EnumerateArray());

    /// <summary>
    /// Asserts a healthy single-source run: exit 0, nothing on standard error, the documented shape, usable, reachable,
    /// authenticated, able to list, a latency and a clock skew within the <c>Date</c> header's resolution.
    /// </summary>
    public static JsonElement AssertHealthy(CliRun run, string name, string type, int instances)
    {
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal(string.Empty, run.Error);
        var source = SingleSource(run);
        AssertShape(source, instances);
        Assert.Equal((name, type, true), (source.GetProperty("source").GetString(), source.GetProperty("type").GetString(), source.GetProperty("usable").GetBoolean()));
        Assert.Equal((true, true, true), (Flag(source, "reachable"), Flag(source, "authenticated"), Flag(source, "canList")));
        // A healthy source was answered, so its latency is measured (a number, not null) and within the kit's 30 s request timeout.
        Assert.Equal(JsonValueKind.Number, source.GetProperty("latencyMilliseconds").ValueKind);
        Assert.InRange(source.GetProperty("latencyMilliseconds").GetDouble(), 0, 30_000);
        Assert.InRange(source.GetProperty("clockSkewSeconds").GetDouble(), -2, 2);
        return source;
    }

    /// <summary>A source's secrets by name.</summary>
    public static Dictionary<string, JsonElement> Secrets(JsonElement source) =>
        source.GetProperty("secrets").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

    /// <summary>A source's quota estimates by operation.</summary>
    public static Dictionary<string, JsonElement> Quotas(JsonElement source) =>
        source.GetProperty("quotas").EnumerateArray().ToDictionary(q => q.GetProperty("operation").GetString()!);

    /// <summary>An optional boolean: <see langword="null"/> when the property is left out.</summary>
    public static bool? Flag(JsonElement source, string name) =>
        source.TryGetProperty(name, out var value) ? value.GetBoolean() : null;

    /// <summary>Asserts the shape every source entry has (docs/cli.md) and that the fleet estimate is calls × N ÷ interval.</summary>
    public static void AssertShape(JsonElement source, int instances)
    {
        foreach (var name in new[] { "source", "type", "path" })
        {
            Assert.Equal(JsonValueKind.String, source.GetProperty(name).ValueKind);
        }

        Assert.Equal(JsonValueKind.Number, source.GetProperty("loadMilliseconds").ValueKind);
        var interval = source.GetProperty("refreshIntervalSeconds").GetDouble();
        Assert.True(interval > 0);
        Assert.Equal(JsonValueKind.Array, source.GetProperty("problems").ValueKind);
        foreach (var secret in source.GetProperty("secrets").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, secret.GetProperty("name").ValueKind);
            Assert.Equal(secret.GetProperty("readable").GetBoolean(), secret.TryGetProperty("version", out _));
            Assert.Equal(!secret.GetProperty("readable").GetBoolean(), secret.TryGetProperty("errorKind", out _));
        }

        var discoveryInterval = source.TryGetProperty("discoveryIntervalSeconds", out var d) ? d.GetDouble() : (double?)null;
        foreach (var quota in source.GetProperty("quotas").EnumerateArray())
        {
            var calls = quota.GetProperty("callsPerRefresh").GetInt32();
            var listings = quota.TryGetProperty("callsPerDiscovery", out var l) ? l.GetInt32() : 0;
            var rate = quota.GetProperty("fleetRequestsPerSecond").GetDouble();
            var expected = (calls * (double)instances / interval) + (listings == 0 ? 0 : listings * (double)instances / discoveryInterval!.Value);
            Assert.Equal(expected, rate, 2);
            if (quota.TryGetProperty("quotaPerSecond", out var perSecond))
            {
                Assert.Equal(rate / perSecond.GetDouble(), quota.GetProperty("quotaUse").GetDouble(), 3);
            }
        }
    }
}
