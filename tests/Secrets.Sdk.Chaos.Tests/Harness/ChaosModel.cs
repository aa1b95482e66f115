namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// What the store holds: every value each secret was ever given and when, so a sample can tell which version the
/// configuration serves, whether it went backwards, and how stale it is.
/// </summary>
internal sealed class ChaosModel(IChaosBackend backend, Random random, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<(string Value, DateTimeOffset At)>> _versions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Secrets
    {
        get
        {
            lock (_gate)
            {
                return _versions.Keys.ToArray();
            }
        }
    }

    public int Rotations { get; private set; }

    public int MidRefreshRotations { get; private set; }

    public IEnumerable<string> AllValues
    {
        get
        {
            lock (_gate)
            {
                return _versions.Values.SelectMany(v => v.Select(x => x.Value)).ToArray();
            }
        }
    }

    public void Create(string secret) => Rotate(secret, midRefresh: false, initial: true);

    public void RotateRandom(bool midRefresh)
    {
        string secret;
        lock (_gate)
        {
            secret = _versions.Keys.Order(StringComparer.Ordinal).ElementAt(random.Next(_versions.Count));
        }

        Rotate(secret, midRefresh, initial: false);
    }

    /// <summary>The index of the version a value belongs to, or -1 when the store never held it.</summary>
    public int VersionOf(string secret, string? value)
    {
        lock (_gate)
        {
            return value is null ? -1 : _versions[secret].FindIndex(v => v.Value == value);
        }
    }

    /// <summary>How long the configuration has been behind the store for this secret (zero when current).</summary>
    public TimeSpan Staleness(string secret, int servedVersion, DateTimeOffset now)
    {
        lock (_gate)
        {
            var versions = _versions[secret];
            return servedVersion >= versions.Count - 1 ? TimeSpan.Zero : now - versions[servedVersion + 1].At;
        }
    }

    private void Rotate(string secret, bool midRefresh, bool initial)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(secret, out var versions))
            {
                _versions[secret] = versions = [];
            }

            var value = $"chaos-{backend.Name}-{secret}-v{versions.Count + 1}-{random.Next():x8}";
            backend.Write(secret, value);
            versions.Add((value, time.GetUtcNow()));
            if (!initial)
            {
                Rotations++;
                MidRefreshRotations += midRefresh ? 1 : 0;
            }
        }
    }
}
