using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Chaos.Tests.Harness;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>A cloud backend over a wire emulator: its outage is every request answered 503 by the fault injector.</summary>
internal abstract class EmulatorChaosBackend : IChaosBackend
{
    private Func<EmulatorRequest, EmulatorFault?>? _beforeOutage;

    public abstract string Name { get; }

    public string OutageKind => "every call 503";

    public abstract EmulatorFaultInjector? Faults { get; }

    /// <summary>Requests on their way (client side) or being answered (server side), not counting those held on the clock.</summary>
    public int Busy => Math.Max(0, Client.InFlight - Faults!.Held) + (Faults.InFlight - Faults.Held);

    /// <summary>The client's handler, counting requests in flight.</summary>
    protected CountingHandler Client { get; set; } = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public long Activity => Faults!.Handled;

    public virtual string? KnownOutageDeviation => null;

    public IReadOnlyDictionary<string, int> OwnFaults { get; } = new Dictionary<string, int>();

    public IReadOnlyCollection<string> Generated => [];

    public abstract Task StartAsync(ManualTimeProvider time);

    public abstract void Write(string secret, string value);

    public string KeyOf(string secret) => secret;

    public abstract void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning);

    public void BeginOutage()
    {
        _beforeOutage = Faults!.Policy;
        Faults.Policy = _ => EmulatorFault.Unavailable();
    }

    public void EndOutage() => Faults!.Policy = _beforeOutage;

    public string? ExtraFault(Random random) => null;

    public string? Check(IConfiguration configuration, bool afterOutageOrStorm) => null;

    public virtual ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }
}
