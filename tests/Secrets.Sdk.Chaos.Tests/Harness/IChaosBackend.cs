using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>One backend under chaos: its emulator (or mount), its source, and its ways to fail.</summary>
internal interface IChaosBackend : IAsyncDisposable
{
    string Name { get; }

    /// <summary>What the long outage is for this backend (for the table).</summary>
    string OutageKind { get; }

    /// <summary>The fault injector of the emulator, or <see langword="null"/> (mounted files).</summary>
    EmulatorFaultInjector? Faults { get; }

    /// <summary>Requests the emulator is working on right now (not counting those held on the clock).</summary>
    int Busy { get; }

    /// <summary>Grows with every request handled (or read made).</summary>
    long Activity { get; }

    Task StartAsync(ManualTimeProvider time);

    /// <summary>Writes a secret's new value to the store (a rotation).</summary>
    void Write(string secret, string value);

    /// <summary>The configuration key a secret's value appears under.</summary>
    string KeyOf(string secret);

    void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning);

    void BeginOutage();

    void EndOutage();

    /// <summary>Backend-specific chaos at a random moment (an expired token, for Vault); returns its name, or null for none.</summary>
    string? ExtraFault(Random random);

    /// <summary>
    /// A known deviation from the outage rules, or <see langword="null"/>: when set, the run asserts the deviation still
    /// happens (health across the outage goes Healthy → Degraded → Healthy and data ages past the Degraded bound), so the
    /// test fails once it is fixed and this can be removed.
    /// </summary>
    string? KnownOutageDeviation { get; }

    /// <summary>Faults the backend put in itself, by kind (beyond the emulator's injector), for the table.</summary>
    IReadOnlyDictionary<string, int> OwnFaults { get; }

    /// <summary>Secret values the backend made up itself (dynamic credentials), for the log scan.</summary>
    IReadOnlyCollection<string> Generated { get; }

    /// <summary>Backend-specific checks at each sample (leases: the configured credential is live); returns a violation or null.</summary>
    string? Check(Microsoft.Extensions.Configuration.IConfiguration configuration, bool afterOutageOrStorm);
}
