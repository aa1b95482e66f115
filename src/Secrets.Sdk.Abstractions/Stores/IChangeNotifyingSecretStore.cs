namespace Secrets.Sdk;

/// <summary>
/// A store that can tell when its content may have changed (a watched directory, a push channel).
/// The engine refreshes soon after <see cref="Changed"/> is raised, in addition to its polling schedule.
/// </summary>
public interface IChangeNotifyingSecretStore : ISecretStore
{
    /// <summary>
    /// Raised, possibly on any thread and possibly more than once per change, when the content may have changed.
    /// Handlers must return quickly.
    /// </summary>
    event EventHandler? Changed;
}
