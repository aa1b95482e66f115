using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WebApi;

/// <summary>
/// What a real application keeps per credential (a DbDataSource, a connection pool): rebuilt once per change, from
/// <see cref="IOptionsMonitor{TOptions}.OnChange"/>, so a rotated password reaches new connections without a restart
/// while work in flight finishes on the old pool.
/// </summary>
public sealed class ConnectionFactory : IDisposable
{
    private readonly IDisposable? _subscription;
    private readonly ILogger<ConnectionFactory> _logger;
    private volatile Pool _current;

    public ConnectionFactory(IOptionsMonitor<DatabaseOptions> options, ILogger<ConnectionFactory> logger)
    {
        _logger = logger;
        _current = Pool.Create(options.CurrentValue, generation: 1, DateTimeOffset.UtcNow);
        _subscription = options.OnChange(Rebuild);
    }

    /// <summary>Gets the pool new connections come from.</summary>
    public Pool Current => _current;

    public void Dispose() => _subscription?.Dispose();

    private void Rebuild(DatabaseOptions options)
    {
        var previous = _current;
        _current = Pool.Create(options, previous.Generation + 1, DateTimeOffset.UtcNow);
        Log.Rebuilt(_logger, _current.Generation, _current.PasswordFingerprint);
    }

    /// <summary>One pool: the connection string it was built with (shown masked) and when.</summary>
    public sealed record Pool(int Generation, DateTimeOffset BuiltAt, string Host, string Username, string PasswordFingerprint, string ConnectionString)
    {
        public static Pool Create(DatabaseOptions options, int generation, DateTimeOffset now)
        {
            var builder = new DbConnectionStringBuilder
            {
                ["Host"] = options.Host,
                ["Username"] = options.Username,
                ["Password"] = options.Password,
            };
            return new Pool(generation, now, options.Host, options.Username, Fingerprint(options.Password), builder.ConnectionString);
        }

        // Never show a secret: its length and a short one-way fingerprint are enough to see that it changed.
        private static string Fingerprint(string secret) =>
            $"{secret.Length} chars, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12].ToLowerInvariant()}";
    }
}
