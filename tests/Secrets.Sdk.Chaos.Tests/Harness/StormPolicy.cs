using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// During a storm, fails each request with the storm's rate, a random kind each time; and sometimes rotates a secret
/// while a request is arriving, so the rotation lands in the middle of a refresh (between its list and its reads).
/// </summary>
internal sealed class StormPolicy(int seed, ChaosModel model)
{
    private const double MidRefreshRotationRate = 0.03;
    private readonly object _gate = new();
    private readonly Random _random = new(seed ^ 0x570e);
    private double _rate;

    public void Set(double rate)
    {
        lock (_gate)
        {
            _rate = rate;
        }
    }

    // The storm does not look at the request: every call has the same chances.
    public EmulatorFault? Decide(EmulatorRequest _)
    {
        EmulatorFault? fault;
        bool rotate;
        lock (_gate)
        {
            rotate = _rate > 0 && _random.NextDouble() < MidRefreshRotationRate;
            fault = _rate > 0 && _random.NextDouble() < _rate ? Pick() : null;
        }

        if (rotate)
        {
            model.RotateRandom(midRefresh: true);
        }

        return fault;
    }

    private EmulatorFault Pick() => _random.Next(7) switch
    {
        0 => EmulatorFault.Throttled(TimeSpan.FromSeconds(_random.Next(1, 20))),
        1 => EmulatorFault.Throttled(),
        2 => EmulatorFault.Unavailable(),
        3 => new EmulatorFault(EmulatorFaultKind.Hang),
        4 => new EmulatorFault(EmulatorFaultKind.ConnectionReset),
        5 => new EmulatorFault(EmulatorFaultKind.TruncatedBody),
        _ => new EmulatorFault(EmulatorFaultKind.SlowDrip) { DripChunks = 3, DripInterval = TimeSpan.FromSeconds(_random.Next(1, 8)) },
    };
}
