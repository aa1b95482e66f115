using Polly;

namespace Secrets.Sdk;

/// <summary>
/// The resilience pipeline around every call to a store: a per-attempt timeout, retries with exponential
/// back-off and jitter that honour <see cref="SecretStoreException.RetryAfter"/>, and a circuit breaker.
/// </summary>
public sealed class SecretResilienceOptions
{
    /// <summary>Gets or sets the timeout of one attempt. Default: 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many times a transient failure is retried. Default: 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later delays grow exponentially with jitter. Default: 200 milliseconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest single retry delay, including a backend's <c>Retry-After</c>. Default: 30 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether the circuit breaker is on. Default: <see langword="true"/>.</summary>
    public bool CircuitBreakerEnabled { get; set; } = true;

    /// <summary>Gets or sets the failure ratio over <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. Default: 0.5.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the number of calls in the sampling window before the breaker may open. Default: 10.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the breaker's sampling window. Default: 30 seconds.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open. Default: 15 seconds.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets a pipeline to use instead of the one these settings describe, for full control.
    /// </summary>
    public ResiliencePipeline? Pipeline { get; set; }

    /// <summary>Checks the settings and throws an <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(AttemptTimeout)} must be positive.", nameof(AttemptTimeout));
        }

        if (MaxRetryAttempts < 0)
        {
            throw new ArgumentException($"{nameof(MaxRetryAttempts)} must not be negative.", nameof(MaxRetryAttempts));
        }

        if (CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            throw new ArgumentException($"{nameof(CircuitBreakerFailureRatio)} must be in (0, 1].", nameof(CircuitBreakerFailureRatio));
        }
    }

    /// <summary>Builds the pipeline these settings describe (or returns <see cref="Pipeline"/>).</summary>
    /// <param name="timeProvider">The clock for delays, timeouts and the breaker.</param>
    /// <param name="name">The pipeline's name for telemetry (usually the store's name).</param>
    /// <returns>The pipeline.</returns>
    internal ResiliencePipeline BuildPipeline(TimeProvider timeProvider, string name)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Pipeline ?? SecretResiliencePipelineFactory.Create(this, timeProvider, name);
    }
}
