namespace Secrets.Sdk.Gcp;

/// <summary>
/// Caches a token until shortly before it expires, and fetches a new one for all callers at once (single flight): while
/// a fetch runs, every caller waits on the same fetch, each with its own cancellation. The fetch itself is bounded by the
/// source's HTTP timeouts, not by the first caller's token, so one cancelled caller does not fail the others.
/// </summary>
/// <remarks>
/// A token is renewed once less than <see cref="RefreshMargin"/> (3 min 45 s, the window Google's own libraries use), or
/// less than half its lifetime for short-lived tokens, remains.
/// </remarks>
internal sealed class TokenCache
{
    /// <summary>How long before expiry a token is renewed.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(225);

    private readonly object _gate = new();
    private readonly Func<CancellationToken, Task<GcpAccessToken>> _fetch;
    private readonly TimeProvider _time;
    private (GcpAccessToken Token, DateTimeOffset RenewAt)? _current;
    private Task<GcpAccessToken>? _pending;

    public TokenCache(Func<CancellationToken, Task<GcpAccessToken>> fetch, TimeProvider time)
    {
        _fetch = fetch;
        _time = time;
    }

    /// <summary>Returns the cached token, or waits for a fresh one.</summary>
    public async ValueTask<GcpAccessToken> GetAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<GcpAccessToken>? mine = null;
        Task<GcpAccessToken> pending;
        lock (_gate)
        {
            if (_current is { } current && _time.GetUtcNow() < current.RenewAt)
            {
                return current.Token;
            }

            if (_pending is null)
            {
                mine = new TaskCompletionSource<GcpAccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending = mine.Task;
            }

            pending = _pending;
        }

        if (mine is not null)
        {
            _ = RunAsync(mine);
        }

        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(TaskCompletionSource<GcpAccessToken> completion)
    {
        try
        {
            var fetchedAt = _time.GetUtcNow();
            var token = await _fetch(CancellationToken.None).ConfigureAwait(false);
            var lifetime = token.ExpiresOn - fetchedAt;
            var margin = lifetime <= TimeSpan.Zero ? TimeSpan.Zero : lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
            lock (_gate)
            {
                _current = (token, token.ExpiresOn - margin);
                _pending = null;
            }

            completion.SetResult(token);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _pending = null;
            }

            completion.SetException(ex);
        }
    }
}
