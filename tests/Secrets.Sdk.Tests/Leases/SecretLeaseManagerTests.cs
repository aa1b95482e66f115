using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Leases;

public sealed class SecretLeaseManagerTests
{
    [Fact]
    public async Task Renewal_IsScheduledAtTwoThirdsOfTheLease()
    {
        var time = new ManualTimeProvider();
        var renewer = new RecordingRenewer(time);
        await using var manager = new SecretLeaseManager(new SecretLeaseOptions { Jitter = 0 }, time);
        var lease = new SecretLease("l1", time.GetUtcNow(), TimeSpan.FromMinutes(30), Renewable: true);

        using var registration = manager.Track("token", lease, renewer, renewer);
        await Waits.UntilAsync(() => time.PendingTimers > 0, "the renewal timer");

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(20), time.NextTimerDueAt);
    }

    [Fact]
    public void RenewalDelay_WithJitter_StaysWithinBoundsAndBeforeExpiryThreshold()
    {
        var time = new ManualTimeProvider();
        var manager = new SecretLeaseManager(new SecretLeaseOptions { Jitter = 0.1 }, time);
        var lease = new SecretLease("l1", time.GetUtcNow(), TimeSpan.FromHours(1), Renewable: true);

        var delays = Enumerable.Range(0, 200).Select(_ => manager.ComputeRenewalDelay(lease, time.GetUtcNow())).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMinutes(36), TimeSpan.FromMinutes(44)));
        Assert.True(delays.Distinct().Count() > 150);
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SecretLeaseManager(new SecretLeaseOptions { RenewAtFraction = 1.5 }, TimeProvider.System));

        Assert.Contains(nameof(SecretLeaseOptions.RenewAtFraction), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_DuringAReplacedLeasesRevocation_LetsItFinish_AndDoesNotThrow()
    {
        var time = new ManualTimeProvider();
        var renewer = new BlockingRevoker(time);
        var manager = new SecretLeaseManager(new SecretLeaseOptions { Jitter = 0 }, time);
        var lease = new SecretLease("l1", time.GetUtcNow(), TimeSpan.FromMinutes(30), Renewable: false);
        using var registration = manager.Track("db", lease, renewer, renewer);

        // Not renewable: rotated at two thirds; the replaced lease is revoked after the 1-minute grace.
        await Waits.UntilAsync(() => time.PendingTimers > 0, "the rotation timer");
        time.Advance(TimeSpan.FromMinutes(20));
        await Waits.UntilAsync(() => renewer.Rotations == 1 && time.PendingTimers >= 2, "the rotation and the revocation's grace timer");
        time.Advance(TimeSpan.FromMinutes(1));
        await renewer.RevokeStarted.Task.WaitAsync(Waits.Guard);

        var disposing = manager.DisposeAsync().AsTask();
        renewer.FinishRevoke.SetResult();
        await disposing.WaitAsync(Waits.Guard); // a revocation cancelled by the shutdown used to throw out of DisposeAsync

        Assert.Equal(["l1"], renewer.Revoked);
        Assert.False(renewer.RevokeCancelled);
    }

    private sealed class BlockingRevoker(TimeProvider time) : ISecretLeaseRenewer, ILeaseRotationTarget
    {
        private int _rotations;

        public TaskCompletionSource RevokeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FinishRevoke { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Revoked { get; } = [];

        public bool RevokeCancelled { get; private set; }

        public int Rotations => Volatile.Read(ref _rotations);

        public ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not renewable");

        public async ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken)
        {
            RevokeStarted.TrySetResult();
            try
            {
                await FinishRevoke.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                RevokeCancelled = true;
                throw;
            }

            Revoked.Add(lease.LeaseId);
        }

        public ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _rotations);
            return ValueTask.FromResult(new SecretLease("l2", time.GetUtcNow(), expiring.Duration, Renewable: false));
        }
    }

    private sealed class RecordingRenewer(TimeProvider time) : ISecretLeaseRenewer, ILeaseRotationTarget
    {
        public ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken) =>
            ValueTask.FromResult(lease with { IssuedAt = time.GetUtcNow(), Duration = increment });

        public ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken) => default;

        public ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new SecretLease("l2", time.GetUtcNow(), expiring.Duration, true));
    }
}
