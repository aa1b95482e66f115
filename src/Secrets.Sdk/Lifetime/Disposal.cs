namespace Secrets.Sdk;

/// <summary>Disposes an object the engine owns, asynchronously when it can be.</summary>
internal static class Disposal
{
    public static ValueTask DisposeAsync(object? owned)
    {
        switch (owned)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return default;
            default:
                return default;
        }
    }
}
