using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Diagnostics;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_CountBackendCallsReloadsAndErrors_WithSourceTagsAndNoValues()
    {
        var sourceName = "telemetry-" + Guid.NewGuid().ToString("N");
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SecretsTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();

        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore(sourceName, time);
        store.Set("Password", "V4LUE-1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        store.Set("Password", "V4LUE-2");
        await manager.RefreshAsync();
        store.FailEverything(SecretErrorKind.Throttled);
        await manager.RefreshAsync();
        time.Advance(TimeSpan.FromSeconds(90));
        listener.RecordObservableInstruments();

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("source"), sourceName)).ToArray();
        Assert.Contains(mine, m => m.Instrument == "secrets.backend.calls" && Equals(m.Tags["operation"], "list"));
        Assert.Contains(mine, m => m.Instrument == "secrets.backend.calls" && Equals(m.Tags["operation"], "get"));
        Assert.Single(mine, m => m.Instrument == "secrets.reloads");
        Assert.Contains(mine, m => m.Instrument == "secrets.refreshes" && Equals(m.Tags["outcome"], "changed"));
        Assert.Contains(mine, m => m.Instrument == "secrets.errors" && Equals(m.Tags["kind"], "Throttled"));
        Assert.Contains(mine, m => m.Instrument == "secrets.snapshot.age" && m.Value >= 90);
        Assert.DoesNotContain(mine, m => m.Tags.Values.Any(v => v?.ToString()?.Contains("V4LUE", StringComparison.Ordinal) == true));
        Assert.Equal("V4LUE-2", config["Password"]);

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
    }
}
