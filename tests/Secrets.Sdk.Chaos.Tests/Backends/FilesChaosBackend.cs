using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Chaos.Tests.Harness;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Files;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>
/// Mounted files: a kubelet-style mount polled on the manual clock; the outage is the mount moved away (unreadable),
/// and every rotation that lands meanwhile swaps the mount while it is unreadable.
/// </summary>
internal sealed class FilesChaosBackend : IChaosBackend
{
    private readonly KubeletMount _mount = new();
    private readonly Dictionary<string, int> _own = new(StringComparer.Ordinal);

    public string Name => "Files";

    public string OutageKind => "mount unreadable";

    public EmulatorFaultInjector? Faults => null;

    public int Busy => 0;

    public long Activity => 0;

    public string? KnownOutageDeviation => null;

    public IReadOnlyDictionary<string, int> OwnFaults => _own;

    public IReadOnlyCollection<string> Generated => [];

    public Task StartAsync(ManualTimeProvider time) => Task.CompletedTask;

    public void Write(string secret, string value)
    {
        if (_mount.Away)
        {
            _own["swapped while unreadable"] = _own.GetValueOrDefault("swapped while unreadable") + 1;
        }

        _mount.Write(secret, value);
    }

    public string KeyOf(string secret) => secret;

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddMountedFiles(_mount.Root, o =>
        {
            o.UseFileSystemWatcher = false;
            o.PollingInterval = TimeSpan.FromMinutes(1);
            tuning(o);
        });

    public void BeginOutage() => _mount.MoveAway();

    public void EndOutage() => _mount.MoveBack();

    public string? ExtraFault(Random random) => null;

    public string? Check(IConfiguration configuration, bool afterOutageOrStorm) => null;

    public ValueTask DisposeAsync()
    {
        _mount.Dispose();
        return ValueTask.CompletedTask;
    }
}
