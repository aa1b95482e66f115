using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>Connects the host's logging to the SDK at start; stops refresh loops and revokes leases (when configured) at stop.</summary>
internal sealed class SecretsManagerHostedService(IConfiguration configuration, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in SecretsProviders.Find(configuration))
        {
            if (provider.LoggerFactory is DeferredLoggerFactory deferred)
            {
                deferred.Attach(loggerFactory);
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in SecretsProviders.Find(configuration))
        {
            await provider.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
