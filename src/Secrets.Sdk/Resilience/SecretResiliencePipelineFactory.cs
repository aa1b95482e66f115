using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Secrets.Sdk;

/// <summary>Builds the Polly v8 pipeline described by <see cref="SecretResilienceOptions"/>.</summary>
internal static class SecretResiliencePipelineFactory
{
    public static ResiliencePipeline Create(SecretResilienceOptions options, TimeProvider timeProvider, string name)
    {
        var transient = new PredicateBuilder()
            .Handle<SecretStoreException>(static ex => ex.IsTransient)
            .Handle<TimeoutRejectedException>()
            .Handle<HttpRequestException>()
            .Handle<IOException>();

        // A call the client held back (a closed throttle gate, NotSent) is retried after its RetryAfter like any throttle,
        // but it says nothing about the store's health, so it never counts towards opening the circuit.
        var failed = new PredicateBuilder()
            .Handle<SecretStoreException>(static ex => ex.IsTransient && !ex.NotSent)
            .Handle<TimeoutRejectedException>()
            .Handle<HttpRequestException>()
            .Handle<IOException>();

        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = timeProvider };

        if (options.MaxRetryAttempts > 0)
        {
            var maxDelay = options.RetryMaxDelay;
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = maxDelay,
                DelayGenerator = args =>
                {
                    // Honour the backend's Retry-After (HTTP 429/503) when it said how long to wait, but never beyond
                    // RetryMaxDelay: Polly applies MaxDelay to its own back-off only, not to a generated delay.
                    // https://pollydocs.org/api/Polly.Retry.RetryStrategyOptions-1.html (DelayGenerator, MaxDelay)
                    if (args.Outcome.Exception is SecretStoreException { RetryAfter: { } retryAfter } && retryAfter > TimeSpan.Zero)
                    {
                        return new ValueTask<TimeSpan?>(retryAfter < maxDelay ? retryAfter : maxDelay);
                    }

                    return new ValueTask<TimeSpan?>((TimeSpan?)null);
                },
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is SecretStoreException { Kind: SecretErrorKind.Throttled })
                    {
                        SecretsTelemetry.Throttles.Add(1, new KeyValuePair<string, object?>("source", name));
                    }

                    return default;
                },
            });
        }

        if (options.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = failed,
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.CircuitBreakerMinimumThroughput),
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }
}
