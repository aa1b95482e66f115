namespace Secrets.Sdk;

/// <summary>Names the configuration keys a refresh changed. Never carries values.</summary>
public sealed class SecretsChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="sourceName">The source whose refresh changed configuration.</param>
    /// <param name="changedKeys">The keys added, removed or changed.</param>
    public SecretsChangedEventArgs(string sourceName, IReadOnlyList<string> changedKeys)
    {
        SourceName = sourceName;
        ChangedKeys = changedKeys;
    }

    /// <summary>Gets the source whose refresh changed configuration.</summary>
    public string SourceName { get; }

    /// <summary>Gets the configuration keys added, removed or changed, sorted.</summary>
    public IReadOnlyList<string> ChangedKeys { get; }
}
