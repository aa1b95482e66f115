using Azure.Core;
using Azure.Core.Pipeline;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Puts a <c>SecretClient</c> the source creates behind the vault's shared throttle gate (<see cref="SharedThrottleGate"/>),
/// the one the backend kit's clients use: each attempt waits while the vault is throttling this process (or is refused
/// with <see cref="ThrottleGateRefusedException"/>, sending nothing), and a 429 closes the gate for every source and
/// secret on that vault, for its <c>Retry-After</c> (Key Vault sends one:
/// https://learn.microsoft.com/azure/key-vault/general/overview-throttling) or the back-off.
/// </summary>
/// <param name="options">The source's gate settings.</param>
internal sealed class ThrottleGatePolicy(ThrottleGateOptions options) : HttpPipelinePolicy
{
    /// <summary>Gets or sets the clock of the gate (the engine's, set when the store is created).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var pass = await EnterAsync(message).ConfigureAwait(false);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch
        {
            pass.Abandoned();
            throw;
        }

        Report(message, pass);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var pass = EnterAsync(message).AsTask().GetAwaiter().GetResult();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch
        {
            pass.Abandoned();
            throw;
        }

        Report(message, pass);
    }

    private async ValueTask<ThrottlePass> EnterAsync(HttpMessage message)
    {
        var pass = await SharedThrottleGate.EnterAsync(message.Request.Uri.ToUri(), options, Clock, message.CancellationToken).ConfigureAwait(false);
        return pass.IsRefused ? throw new ThrottleGateRefusedException(pass.RetryAfter) : pass;
    }

    private void Report(HttpMessage message, ThrottlePass pass)
    {
        if (!message.HasResponse)
        {
            pass.Abandoned();
        }
        else if (message.Response.Status == 429)
        {
            pass.Throttled(KeyVaultErrors.RetryAfter(message.Response, Clock.GetUtcNow()));
        }
        else
        {
            pass.Answered(message.Response.Status is >= 200 and <= 299);
        }
    }
}
