namespace Secrets.Sdk;

/// <summary>What one refresh pass of a source did: the configuration keys it changed, or why it failed.</summary>
/// <param name="Changed">The changed keys (empty when nothing changed or the pass failed).</param>
/// <param name="Error">The failure; for a first load, a <see cref="SecretsLoadException"/> naming source, secret and cause.</param>
internal sealed record RefreshOutcome(IReadOnlyList<string> Changed, Exception? Error)
{
    public static readonly RefreshOutcome Unchanged = new([], null);
}
