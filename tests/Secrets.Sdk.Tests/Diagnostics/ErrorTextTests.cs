using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Diagnostics;

public sealed class ErrorTextTests
{
    [Fact]
    public void RequiredSecretFails_TheMessageCarriesItsCauseOnce()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Db/Password", "p");
        store.FailSecret("Db/Password", SecretErrorKind.AccessDenied);

        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options())));

        Assert.Equal(1, Occurrences(ex.Message, "Injected AccessDenied failure reading secret 'Db/Password'"));
        Assert.Equal(1, Occurrences(ex.Message, "could not be loaded"));
    }

    [Fact]
    public void TwoRequiredSourcesFail_EachCauseAppearsOnce()
    {
        var time = new ManualTimeProvider();
        var first = new InMemorySecretStore("first", time);
        var second = new InMemorySecretStore("second", time);
        first.FailEverything(SecretErrorKind.AccessDenied);
        second.FailEverything(SecretErrorKind.Unauthenticated);

        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (first, TestConfig.Options()), (second, TestConfig.Options())));

        Assert.StartsWith("2 required secret sources could not be loaded", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(ex.Message, "Injected AccessDenied failure reading the store from 'first'"));
        Assert.Equal(1, Occurrences(ex.Message, "Injected Unauthenticated failure reading the store from 'second'"));
    }

    [Fact]
    public async Task SourceThatNeverLoaded_NeverLogsALastGoodLoadTime()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("never", time);
        store.Set("A", "1");
        store.FailEverything();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.LoggerFactory = loggerFactory;
                s.AddStore(store, TestConfig.Options(o => o.Optional = true));
            })
            .Build();

        await config.GetSecretsManager().RefreshAsync();

        Assert.Contains(logs.Messages, m => m.Contains("the source has no values yet", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("0001-01-01", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("last good values", StringComparison.Ordinal));
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
