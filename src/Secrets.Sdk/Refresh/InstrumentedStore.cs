using System.Collections.Concurrent;
using System.Diagnostics;
using Polly;

namespace Secrets.Sdk;

/// <summary>
/// A source's store seen through its resilience pipeline and telemetry: every call is one activity, one counted call
/// and one latency sample per attempt outcome, and the last operation, attempt number and attempt error are kept so
/// a slow startup can say what it is waiting for.
/// </summary>
internal sealed class InstrumentedStore
{
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly string _sourceName;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private volatile string _operation = "none";
    private volatile string? _lastAttemptError;
    private int _attempt;

    public InstrumentedStore(ISecretStore store, ResiliencePipeline pipeline, TimeProvider timeProvider, string sourceName)
    {
        Store = store;
        _pipeline = pipeline;
        _timeProvider = timeProvider;
        _sourceName = sourceName;
        _sourceTag = new("source", sourceName);
    }

    public ISecretStore Store { get; }

    /// <summary>Gets the operation in progress (or last run): <c>list</c> or <c>get</c>.</summary>
    public string Operation => _operation;

    /// <summary>Gets the attempt number of the current operation (1 for the first try, more after retries).</summary>
    public int Attempt => Volatile.Read(ref _attempt);

    /// <summary>Gets the last failed attempt's error (type and safe message), if any.</summary>
    public string? LastAttemptError => _lastAttemptError;

    public ValueTask<IReadOnlyList<SecretMetadata>> ListAsync(CancellationToken cancellationToken) =>
        CallAsync("list", c => Store.ListSecretsAsync(c), cancellationToken);

    public ValueTask<IReadOnlyList<SecretReadResult>> GetAsync(IReadOnlyList<SecretMetadata> batch, CancellationToken cancellationToken) =>
        CallAsync("get", c => Store.GetSecretsAsync(batch, c), cancellationToken);

    /// <summary>
    /// Reads <paramref name="toRead"/> in batches of the store's <see cref="ISecretStore.MaxBatchSize"/>, at most
    /// <paramref name="maxConcurrency"/> at once. One result per secret: a batch that fails fails each of its secrets.
    /// </summary>
    public async Task<IReadOnlyList<SecretReadOutcome>> ReadAsync(IReadOnlyList<SecretMetadata> toRead, int maxConcurrency, CancellationToken cancellationToken)
    {
        if (toRead.Count == 0)
        {
            return [];
        }

        var results = new ConcurrentBag<SecretReadOutcome>();
        var batches = toRead.Chunk(Math.Max(1, Store.MaxBatchSize)).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
        {
            IReadOnlyList<SecretReadResult> read;
            try
            {
                read = await GetAsync(batch, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                foreach (var metadata in batch)
                {
                    results.Add(new SecretReadOutcome(metadata, null, ex));
                }

                return;
            }

            var byName = new Dictionary<string, SecretReadResult>(StringComparer.Ordinal);
            foreach (var result in read)
            {
                byName[result.Requested.Name] = result;
            }

            foreach (var metadata in batch)
            {
                results.Add(byName.TryGetValue(metadata.Name, out var result)
                    ? new SecretReadOutcome(metadata, result.Secret, result.Error)
                    : new SecretReadOutcome(metadata, null, new SecretStoreException($"Store '{Store.Name}' returned no result for this secret.", SecretErrorKind.InvalidResponse, _sourceName, metadata.Name)));
            }

            SecretsTelemetry.SecretsRead.Add(read.Count(r => r.Succeeded), _sourceTag);
        }).ConfigureAwait(false);
        return [.. results];
    }

    private async ValueTask<T> CallAsync<T>(string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        using var activity = SecretsTelemetry.ActivitySource.StartActivity("secrets.backend." + operation, ActivityKind.Client);
        activity?.SetTag("secrets.source", _sourceName);
        _operation = operation;
        Volatile.Write(ref _attempt, 0);
        var started = _timeProvider.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await _pipeline.ExecuteAsync(
                async c =>
                {
                    Interlocked.Increment(ref _attempt);
                    try
                    {
                        return await call(c).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !c.IsCancellationRequested)
                    {
                        _lastAttemptError = ErrorText.Describe(ex);
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = ErrorText.Kind(ex);
            _lastAttemptError = ErrorText.Describe(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            var tags = new TagList { _sourceTag, { "operation", operation }, { "outcome", outcome } };
            SecretsTelemetry.BackendCalls.Add(1, tags);
            SecretsTelemetry.BackendLatency.Record(_timeProvider.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }
}
