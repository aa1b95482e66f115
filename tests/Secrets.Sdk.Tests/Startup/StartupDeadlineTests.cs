using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Startup;

public sealed class StartupDeadlineTests
{
    [Fact]
    public async Task RequiredSourceThatNeverAnswers_FailsAtTheDeadline_NamingSourceStoreOperation_AndLogsProgress()
    {
        var time = new ManualTimeProvider();
        var silent = new InMemorySecretStore("silent-" + Guid.NewGuid().ToString("N"), time);
        silent.Set("A", "1");
        silent.HangEverything();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var start = time.GetUtcNow();

        // Per-attempt timeout and retries far beyond the deadline: only StartupTimeout may end the wait.
        var options = TestConfig.Options(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
            o.Resilience.MaxRetryAttempts = 5;
        });
        var build = Task.Run(() => new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.LoggerFactory = loggerFactory;
                s.StartupTimeout = TimeSpan.FromSeconds(30);
                s.AddStore(_ => silent.Connect(), options);
            })
            .Build());
        await Waits.UntilAsync(() => silent.HangingCalls == 1 && time.PendingDueTimes.Contains(start + TimeSpan.FromSeconds(30)), "the load to hang with the deadline set");

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(build.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<SecretsLoadException>(() => build.WaitAsync(Waits.Guard));

        Assert.Equal(silent.Name, ex.SourceName);
        Assert.Contains("startup deadline of 30 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"store '{silent.Name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("operation list", ex.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal(start + TimeSpan.FromSeconds(30), time.GetUtcNow());
        var progress = logs.Messages.Where(m => m.StartsWith("Startup waiting", StringComparison.Ordinal)).ToArray();
        Assert.InRange(progress.Length, 5, 6); // every 5 s: 5 … 25 s, and 30 s when it fires before the deadline is handled
        Assert.All(progress, m => Assert.Contains($"{silent.Name} (store '{silent.Name}', operation list, attempt 1", m, StringComparison.Ordinal));
        Assert.Equal(0, silent.HangingCalls);
        Assert.Equal(0, silent.OpenClients);
        Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(silent.Name));
    }

    [Fact]
    public async Task OptionalSourceThatNeverAnswers_HostStartsAfterOptionalWait_Degraded_ThenArrivesWithOneReload()
    {
        var time = new ManualTimeProvider();
        var required = new InMemorySecretStore("required-" + Guid.NewGuid().ToString("N"), time);
        required.Set("Database/Password", "p1");
        var late = new InMemorySecretStore("late-" + Guid.NewGuid().ToString("N"), time);
        late.Set("Features/Beta", "on");
        late.HangEverything();
        var start = time.GetUtcNow();

        var build = Task.Run(() =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddStore(_ => required.Connect(), TestConfig.Options());
                s.AddStore(_ => late.Connect(), TestConfig.Options(o => o.Optional = true));
            });
            return builder.Build();
        });
        await Waits.UntilAsync(() => late.HangingCalls == 1 && time.PendingDueTimes.Contains(start + TimeSpan.FromSeconds(2)), "the optional wait to start");
        time.Advance(TimeSpan.FromSeconds(2));
        using var host = await build.WaitAsync(Waits.Guard);
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Null(config["Features:Beta"]);
        var degraded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("still loading", degraded.Entries["secrets"].Description, StringComparison.Ordinal);

        late.ClearFailures();
        await Waits.UntilAsync(() => Volatile.Read(ref reloads) == 1, "the late source's one reload");

        Assert.Equal("on", config["Features:Beta"]);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await host.Services.GetRequiredService<ISecretsManager>().RefreshAsync();
        Assert.Equal(1, Volatile.Read(ref reloads));
        await host.StopAsync();
    }

    [Fact]
    public async Task OptionalSourceWithinItsWait_IsPartOfTheFirstSnapshot()
    {
        var time = new ManualTimeProvider();
        var latency = TimeSpan.FromMilliseconds(500);
        var optional = new InMemorySecretStore("slow-" + Guid.NewGuid().ToString("N"), time) { Latency = latency };
        optional.Set("A", "1");
        var start = time.GetUtcNow();

        // List and get answer at 0.5 s and 1 s, well inside the 2 s optional wait.
        var build = Task.Run(() => TestConfig.Build(time, (optional, TestConfig.Options(o => o.Optional = true))).Config);
        await Waits.UntilAsync(() => time.PendingDueTimes.Contains(start + latency), "the slow list call");
        time.Advance(latency);
        await Waits.UntilAsync(() => time.PendingDueTimes.Contains(start + (2 * latency)) && optional.GetCalls == 1, "the slow get call");
        time.Advance(latency);
        var config = await build.WaitAsync(Waits.Guard);

        Assert.Equal("1", config["A"]);
        Assert.True(time.GetUtcNow() < start + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Builder_RejectsNonPositiveDeadlines_NamingTheSetting()
    {
        var builder = new SecretsManagerBuilder();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => builder.StartupTimeout = TimeSpan.Zero);

        Assert.Equal(nameof(SecretsManagerBuilder.StartupTimeout), ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.OptionalSourceWait = TimeSpan.FromSeconds(-1));
    }
}
