using Azure.Core;
using Azure.Core.Pipeline;

namespace Secrets.Sdk.Cli;

/// <summary>The Azure.Core pipeline counterpart of <see cref="ObservingHandler"/>, for Key Vault's <c>SecretClient</c>.</summary>
/// <param name="observations">Where exchanges are recorded.</param>
/// <param name="time">The clock.</param>
internal sealed class AzureObservingPolicy(HttpObservations observations, TimeProvider time) : HttpPipelinePolicy
{
    /// <inheritdoc/>
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var operation = HttpObservations.OperationOf(message.Request.Method.Method, message.Request.Uri.ToUri(), amzTarget: null);
        var sent = time.GetUtcNow();
        var started = time.GetTimestamp();
        try
        {
            if (async)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            else
            {
                ProcessNext(message, pipeline);
            }
        }
        catch (Exception)
        {
            observations.Add(new HttpExchange(operation, null, time.GetElapsedTime(started), null));
            throw;
        }

        var received = time.GetUtcNow();
        DateTimeOffset? date = message.Response.Headers.Date;
        observations.Add(new HttpExchange(operation, message.Response.Status, time.GetElapsedTime(started), HttpObservations.Skew(date, sent, received)));
    }
}
