using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// One backend under soak: its store (an in-process emulator or a directory) holding a handful of secrets, among them
/// <c>Soak</c>, a JSON object whose <c>Rotating</c> field the run rotates (configuration key <c>Soak:Rotating</c>).
/// </summary>
internal interface ISoakBackend : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Gets how many sources poll (each makes one refresh pass per cycle).</summary>
    int Sources { get; }

    /// <summary>Starts the store and writes the secrets, <c>Soak</c> holding <paramref name="firstValue"/>.</summary>
    Task StartAsync(ManualTimeProvider time, string firstValue);

    /// <summary>Adds the source(s); <paramref name="tuning"/> sets the name and the refresh interval.</summary>
    void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning);

    /// <summary>Gets the HTTP requests the emulator has answered (0 for mounted files).</summary>
    long Requests { get; }

    /// <summary>
    /// Gets the client's requests on the wire. Only a backend whose client works outside refresh passes (Vault: lease
    /// and token renewals, revocations) needs to count them: the driver does not move the clock while one is running.
    /// </summary>
    int InFlight => 0;

    /// <summary>Sets what the backend calls when one of its client's requests starts.</summary>
    Action? RequestStarted
    {
        get => null;
        set { }
    }

    /// <summary>Sets what the backend calls when one of its client's requests ends.</summary>
    Action? RequestEnded
    {
        get => null;
        set { }
    }

    /// <summary>Whether a metric's <c>source</c> tag is one of this backend's sources (or its token's lease manager).</summary>
    bool OwnsSource(string source);

    /// <summary>Writes a new value of <c>Soak:Rotating</c> to the store.</summary>
    void Rotate(string value);

    /// <summary>Drops the store's own history (an emulator's request log), so the heap measures the client side.</summary>
    void TrimHistory();
}
