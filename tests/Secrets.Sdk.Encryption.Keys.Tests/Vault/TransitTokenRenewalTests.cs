using Secrets.Sdk.Azure.Tests;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests.Vault;

/// <summary>
/// A Transit-only application (no engine, no <c>SecretsManagerBuilder</c>, no host): the key-encryption key's own
/// connection keeps its token alive as simulated time passes, logs in again when Vault cannot extend or renew it, and
/// stops when nothing can be done.
/// </summary>
public sealed class TransitTokenRenewalTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    /// <summary>
    /// The default renewal settings without jitter, so the renewal times are exact, and a 2 min revocation grace, so the
    /// revocation's timer is not due together with the 60 s request timeouts of the calls made when the token was replaced.
    /// </summary>
    private static readonly VaultTokenRenewalOptions Exact = new() { Jitter = 0, RevokeGracePeriod = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task TransitOnly_RenewsItsTokenAsTimePasses_LogsInAgainAtMaxTtl_AndRevokesTheOldToken()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), VaultEmulatorPolicy.All("transit/"));
        await using var kek = Kek(f, VaultAuthentication.AppRole("role-1", "secret-1"));
        using var encryptor = new EnvelopeEncryptor(kek);
        var start = f.Time.GetUtcNow();
        var message = await encryptor.EncryptAsync("card-number"u8.ToArray(), Context);
        Assert.Equal(1, f.Vault.Count("POST auth/approle/login"));

        // TTL 30 min, max TTL 1 h, renewal at 2/3: renewed at 20 min for 30 min; at 40 min Vault can only grant 20 min
        // (max TTL), so the key logs in again, and revokes the replaced token after the grace period.
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(20));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/renew-self") == 1, "the renewal at 20 min");
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(40));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/approle/login") == 2, "the new login at max TTL");
        Assert.Equal(2, f.Vault.Count("POST auth/token/renew-self")); // 20 min, and 40 min (granted only 20 min)
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(42));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/revoke-self") == 1, "the replaced token's revocation");

        // The new token (issued at 40 min, TTL 30 min) is renewed at 60 min, like the first one.
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(60));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/renew-self") == 3, "the new token's renewal at 60 min");
        await Waits.UntilAsync(() => f.Time.PendingDueTimes.Contains(start + TimeSpan.FromMinutes(80)), "the next renewal planned at 80 min");
        f.Time.Advance(TimeSpan.FromMinutes(15)); // 75 min: past the first token's max TTL and the new token's first TTL

        Assert.Equal("card-number"u8.ToArray(), await encryptor.DecryptAsync(message, Context));
        Assert.Equal(2, f.Vault.Count("POST auth/approle/login"));
        Assert.Equal(0, f.Vault.Count("GET auth/token/lookup-self")); // Never a 403 fallback: the token was always live.
    }

    [Fact]
    public async Task TransitOnly_TokenThatCannotBeRenewed_LogsInAgain_BeforeAnyRequestNeedsIt()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromMinutes(30), TimeSpan.FromHours(24), VaultEmulatorPolicy.All("transit/"));
        await using var kek = Kek(f, VaultAuthentication.AppRole("role-1", "secret-1"));
        var start = f.Time.GetUtcNow();
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);

        Assert.Equal(1, f.Vault.ExpireTokens()); // An operator revoked it: renew-self answers 403.
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(20));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/approle/login") == 2, "the new login after the failed renewal");
        await Waits.UntilAsync(() => f.Time.PendingDueTimes.Contains(start + TimeSpan.FromMinutes(40)), "the new token in use, its renewal planned");

        using var unwrapped = await kek.UnwrapAsync(wrapped, Context, default);
        Assert.Equal(new byte[32], unwrapped.Plaintext.ToArray());
        Assert.Equal(1, f.Vault.Count("POST auth/token/renew-self")); // A dead token is not renewed again and again.
        Assert.Equal(0, f.Vault.Count("GET auth/token/lookup-self"));

        // The new token is renewed on its own schedule (issued at 20 min: renewal at 40 min).
        f.Time.AdvanceTo(start + TimeSpan.FromMinutes(40));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/renew-self") == 2, "the new token's renewal");
    }

    [Fact]
    public async Task TransitOnly_FixedTokenAtMaxTtl_SaysItCannotBeReplaced_AndStops()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        var token = f.Vault.CreateToken(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), VaultEmulatorPolicy.All("transit/"));
        using var logs = new CapturingLoggerProvider();
        await using var kek = Kek(f, VaultAuthentication.Token(token), logs);
        var start = f.Time.GetUtcNow();
        await kek.WrapKeyAsync(new byte[32], Context, default);

        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(20));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/renew-self") == 1, "the renewal at 20 min");
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(40));
        await Waits.UntilAsync(() => logs.Lines.Any(l => l.EventId == 4107), "the 'cannot be replaced' error");
        f.Time.Advance(TimeSpan.FromHours(3));

        Assert.Equal(2, f.Vault.Count("POST auth/token/renew-self"));
        Assert.Single(logs.Lines, l => l.EventId == 4107);
        Assert.Equal(0, f.Time.PendingTimers);
        var line = logs.Lines.Single(l => l.EventId == 4107).Message;
        Assert.Contains("Use a login method or a token file", line, StringComparison.Ordinal);
        Assert.DoesNotContain(token, line, StringComparison.Ordinal);
    }

    private static VaultTransitKeyEncryptionKey Kek(TransitFixture f, VaultAuthentication authentication, CapturingLoggerProvider? logs = null) => new(
        new VaultTransitOptions
        {
            Address = f.Vault.Address,
            Authentication = authentication,
            KeyName = "orders",
            TimeProvider = f.Time,
            LoggerFactory = logs,
        },
        environment: _ => null,
        Exact);

    /// <summary>Waits until the token's loop armed a timer for <paramref name="due"/>, then moves the clock there.</summary>
    private static async Task AdvanceToTimerAsync(TransitFixture f, DateTimeOffset due)
    {
        await Waits.UntilAsync(() => f.Time.PendingDueTimes.Contains(due), $"a timer due at {due:O}");
        f.Time.AdvanceTo(due);
    }
}
