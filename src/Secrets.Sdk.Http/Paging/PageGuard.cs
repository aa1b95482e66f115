namespace Secrets.Sdk.Http;

/// <summary>
/// Bounds one listing: a page token (or folder) seen twice, or more pages than <see cref="MaxPages"/>, is an
/// <see cref="SecretErrorKind.InvalidResponse"/> error instead of a loop that runs until the timeout.
/// Create one per listing with <see cref="BackendHttpClient.CreatePageGuard"/>.
/// </summary>
/// <example>
/// <code>
/// var guard = client.CreatePageGuard(new BackendOperation("ListSecrets"));
/// string? token = null;
/// do
/// {
///     var page = await ListAsync(token);
///     token = page.NextToken;
/// }
/// while (guard.Continue(token));
/// </code>
/// </example>
public sealed class PageGuard
{
    private readonly BackendHttpClient _client;
    private readonly BackendOperation _operation;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    internal PageGuard(BackendHttpClient client, BackendOperation operation, int maxPages)
    {
        _client = client;
        _operation = operation;
        MaxPages = maxPages;
    }

    /// <summary>Gets the most pages this listing may take.</summary>
    public int MaxPages { get; }

    /// <summary>Gets the pages counted so far.</summary>
    public int Pages { get; private set; }

    /// <summary>
    /// Counts the page just read and tells whether to fetch the next one: <see langword="false"/> when
    /// <paramref name="nextToken"/> is null or empty (the listing is complete).
    /// </summary>
    /// <param name="nextToken">The next-page token the page returned.</param>
    /// <returns><see langword="true"/> when another page must be read.</returns>
    /// <exception cref="SecretStoreException">The token was already seen, or the next page would exceed <see cref="MaxPages"/>.</exception>
    public bool Continue(string? nextToken)
    {
        Pages++;
        if (string.IsNullOrEmpty(nextToken))
        {
            return false;
        }

        if (Pages >= MaxPages)
        {
            throw TooMany();
        }

        if (!_seen.Add(nextToken))
        {
            throw _client.InvalidResponse(_operation, $"returned a page token it had already returned (after {Pages} pages); the listing would never end");
        }

        return true;
    }

    /// <summary>Counts one more page of a listing without tokens (a folder of a recursive listing), keyed by <paramref name="pageKey"/>.</summary>
    /// <param name="pageKey">What identifies the page, for example the folder's path.</param>
    /// <exception cref="SecretStoreException">The key was already visited, or this page exceeds <see cref="MaxPages"/>.</exception>
    public void Enter(string pageKey)
    {
        ArgumentNullException.ThrowIfNull(pageKey);
        if (_seen.Contains(pageKey))
        {
            throw _client.InvalidResponse(_operation, $"led to '{pageKey}' twice; the listing would never end");
        }

        if (++Pages > MaxPages)
        {
            throw TooMany();
        }

        _seen.Add(pageKey);
    }

    private SecretStoreException TooMany() =>
        _client.InvalidResponse(_operation, $"needs more than {MaxPages} pages (MaxPages); the listing was stopped");
}
