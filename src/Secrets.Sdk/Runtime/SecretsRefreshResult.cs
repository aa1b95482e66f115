namespace Secrets.Sdk;

/// <summary>The outcome of <see cref="ISecretsManager.RefreshAsync"/>.</summary>
public sealed class SecretsRefreshResult
{
    internal SecretsRefreshResult(IReadOnlyList<string> changedKeys, IReadOnlyDictionary<string, Exception> failures)
    {
        ChangedKeys = changedKeys;
        Failures = failures;
    }

    /// <summary>Gets the configuration keys that changed, sorted; empty when nothing changed.</summary>
    public IReadOnlyList<string> ChangedKeys { get; }

    /// <summary>Gets the sources whose refresh failed, with the cause; their last good values are still served.</summary>
    public IReadOnlyDictionary<string, Exception> Failures { get; }

    /// <summary>Gets a value indicating whether configuration changed.</summary>
    public bool Changed => ChangedKeys.Count > 0;

    /// <summary>Gets a value indicating whether every source refreshed successfully.</summary>
    public bool Succeeded => Failures.Count == 0;
}
