using Microsoft.Extensions.Logging;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Hosting;

public sealed class DeferredLoggingTests
{
    [Fact]
    public void EntriesBeforeAttach_AreReplayedIntoTheHostLogger_AndLaterEntriesForwarded()
    {
        var deferred = new DeferredLoggerFactory();
        var logger = deferred.CreateLogger("Secrets.Sdk.Test");
        logger.LogWarning("before attach");
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));

        deferred.Attach(factory);
        logger.LogWarning("after attach");

        Assert.Equal(["before attach", "after attach"], capture.Messages.ToArray());
    }
}
