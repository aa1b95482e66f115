using System.Globalization;
using Microsoft.AspNetCore.Http;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Http.Tests;

/// <summary>
/// The backend kit's shared per-endpoint throttle gate: one throttled answer holds back every client of that endpoint on
/// the same clock; a refusal is never sent and says how long is left; Retry-After (seconds or HTTP-date) is honoured but
/// capped; without one the back-off doubles and a success resets it.
/// </summary>
public sealed class SharedThrottleGateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RetryAfterSeconds_ClosesTheEndpointForEveryClient_ThenOneProbeReopensIt()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = "30" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var orders = Kit.Client(server, Refusing(), time: time);
        using var billing = BackendHttpClient.Create(server.Address, "Test service", "billing-store", Refusing(), timeProvider: time);

        using (var throttled = await Kit.GetAsync(orders))
        {
            Assert.Equal(429, throttled.StatusCode);
        }

        for (var i = 0; i < 20; i++)
        {
            var refused = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(i % 2 == 0 ? orders : billing));
            Assert.True(refused.NotSent);
            Assert.Equal(SecretErrorKind.Throttled, refused.Kind);
            Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
            Assert.Equal(i % 2 == 0 ? "test-store" : "billing-store", refused.StoreName);
            Assert.Contains("was not sent", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, answers.Count); // twenty refusals, none sent

        time.Advance(TimeSpan.FromSeconds(29));
        var late = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(billing));
        Assert.Equal(TimeSpan.FromSeconds(1), late.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(1));
        using (var probe = await Kit.GetAsync(billing))
        {
            Assert.Equal(200, probe.StatusCode);
        }

        using (var after = await Kit.GetAsync(orders))
        {
            Assert.Equal(200, after.StatusCode);
        }

        Assert.Equal(3, answers.Count);
    }

    [Fact]
    public async Task RetryAfterHttpDate_ClosesUntilThatDate()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = (Start + TimeSpan.FromSeconds(45)).ToString("r", CultureInfo.InvariantCulture) };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);
        (await Kit.GetAsync(client)).Dispose();

        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client));

        Assert.Equal(TimeSpan.FromSeconds(45), refused.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(45));
        using var probe = await Kit.GetAsync(client);
        Assert.Equal(200, probe.StatusCode);
    }

    [Fact]
    public async Task AbsurdRetryAfter_IsCappedByThrottleMaxDelay()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = "99999999999" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);
        (await Kit.GetAsync(client)).Dispose();

        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client));

        Assert.Equal(new BackendHttpOptions().Throttle.MaxDelay, refused.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(5), refused.RetryAfter);
        time.Advance(TimeSpan.FromMinutes(5));
        using var probe = await Kit.GetAsync(client);
        Assert.Equal(200, probe.StatusCode);
    }

    [Fact]
    public async Task NoRetryAfter_BackOffDoublesWithJitter_AndASuccessResetsIt()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 4 };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);

        // Steps of 1, 2, 4 s: each closure is at least half its step and at most the step.
        foreach (var step in new[] { 1, 2, 4 })
        {
            (await Kit.GetAsync(client)).Dispose();
            var left = (await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client))).RetryAfter!.Value;
            Assert.InRange(left, TimeSpan.FromSeconds(step / 2.0), TimeSpan.FromSeconds(step));
            time.Advance(left);
        }

        (await Kit.GetAsync(client)).Dispose(); // the fourth 429
        var fourth = (await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client))).RetryAfter!.Value;
        Assert.InRange(fourth, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        time.Advance(fourth);
        using (var probe = await Kit.GetAsync(client))
        {
            Assert.Equal(200, probe.StatusCode);
        }

        answers.Throttle = 1;
        (await Kit.GetAsync(client)).Dispose();
        var reset = (await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client))).RetryAfter!.Value;
        Assert.InRange(reset, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.Equal(6, answers.Count);
    }

    [Fact]
    public async Task TwoEndpoints_AreGatedIndependently()
    {
        var time = new ManualTimeProvider(Start);
        var throttling = new Answers { Throttle = 1, RetryAfter = "60" };
        var healthy = new Answers();
        await using var first = await HostileServer.StartAsync(throttling.Handle);
        await using var second = await HostileServer.StartAsync(healthy.Handle);
        using var a = Kit.Client(first, Refusing(), time: time);
        using var b = Kit.Client(second, Refusing(), time: time);
        (await Kit.GetAsync(a)).Dispose();

        await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(a));
        for (var i = 0; i < 3; i++)
        {
            using var answer = await Kit.GetAsync(b);
            Assert.Equal(200, answer.StatusCode);
        }

        Assert.Equal(1, throttling.Count);
        Assert.Equal(3, healthy.Count);
    }

    [Fact]
    public async Task GateOff_EveryCallIsSent()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = "60" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Ungated(), time: time);
        (await Kit.GetAsync(client)).Dispose();

        using var next = await Kit.GetAsync(client);

        Assert.Equal(200, next.StatusCode);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task AnotherClock_HasItsOwnGates()
    {
        var answers = new Answers { Throttle = 1, RetryAfter = "60" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var one = Kit.Client(server, Refusing(), time: new ManualTimeProvider(Start));
        using var other = Kit.Client(server, Refusing(), time: new ManualTimeProvider(Start));
        (await Kit.GetAsync(one)).Dispose();

        using var answer = await Kit.GetAsync(other);

        Assert.Equal(200, answer.StatusCode);
    }

    [Fact]
    public async Task VendorThrottleCodeInA400_ClosesTheGate()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, ThrottleStatus = 400, RetryAfter = null };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);
        using (var response = await Kit.GetAsync(client))
        {
            Assert.Equal(400, response.StatusCode);
            var error = response.CreateError("ThrottlingException", "Rate exceeded", SecretErrorKind.Throttled);
            Assert.False(error.NotSent);
        }

        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(client));

        Assert.True(refused.NotSent);
        Assert.Equal(1, answers.Count);
    }

    [Fact]
    public async Task AnErrorThatIsNotAThrottle_LeavesTheGateOpen()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, ThrottleStatus = 400 };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);
        using (var response = await Kit.GetAsync(client))
        {
            _ = response.CreateError("ValidationException", "bad", SecretErrorKind.InvalidRequest);
        }

        using var next = await Kit.GetAsync(client);

        Assert.Equal(200, next.StatusCode);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task ShortClosure_IsWaitedOutInsideTheCall_WithoutSending()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = "2" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Waiting(), time: time); // Throttle.InlineWait 5 s by default
        (await Kit.GetAsync(client)).Dispose();

        var waiting = Kit.GetAsync(client);
        await Waits.UntilAsync(() => time.PendingDueTimes.Contains(Start + TimeSpan.FromSeconds(2)), "the call waiting for the gate");
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, answers.Count);

        time.Advance(TimeSpan.FromSeconds(2));
        using var answer = await waiting.WaitAsync(Waits.Guard);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task CancellingACallWaitingOnTheGate_EndsItWithoutSending()
    {
        var time = new ManualTimeProvider(Start);
        var answers = new Answers { Throttle = 1, RetryAfter = "3" };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Waiting(), time: time);
        (await Kit.GetAsync(client)).Dispose();
        using var cancel = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/thing");

        var waiting = client.SendAsync(request, Kit.Read, cancel.Token);
        await Waits.UntilAsync(() => time.PendingDueTimes.Contains(Start + TimeSpan.FromSeconds(3)), "the call waiting for the gate");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Waits.Guard));
        time.Advance(TimeSpan.FromSeconds(3));
        using var next = await Kit.GetAsync(client);
        Assert.Equal(200, next.StatusCode);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task WhileTheProbeIsOut_OtherCallsWait_ThenFollowItsAnswer()
    {
        var time = new ManualTimeProvider(Start);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answers = new Answers { Throttle = 1, RetryAfter = "10", Hold = release.Task };
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var client = Kit.Client(server, Refusing(), time: time);
        (await Kit.GetAsync(client)).Dispose();
        time.Advance(TimeSpan.FromSeconds(10));

        var probe = Kit.GetAsync(client);
        await Waits.UntilAsync(() => answers.Count == 2, "the probe at the server");
        var followers = Enumerable.Range(0, 5).Select(_ => Kit.GetAsync(client)).ToArray();
        Assert.All(followers, f => Assert.False(f.IsCompleted));
        Assert.Equal(2, answers.Count);

        release.SetResult();
        foreach (var call in followers.Prepend(probe))
        {
            using var answer = await call.WaitAsync(Waits.Guard);
            Assert.Equal(200, answer.StatusCode);
        }

        Assert.Equal(7, answers.Count);
    }

    [Fact]
    public async Task InFlightAnswersFromBeforeAClosure_DoNotGrowTheBackOff()
    {
        var time = new ManualTimeProvider(Start);
        var gate = new ThrottleGate("http://127.0.0.1:1", time, () => 0.5);
        var options = new ThrottleGateOptions();
        var tickets = new List<ThrottleTicket>();
        for (var i = 0; i < 16; i++)
        {
            tickets.Add((await gate.EnterAsync(TimeSpan.Zero, CancellationToken.None)).Ticket!);
        }

        foreach (var ticket in tickets)
        {
            ticket.Throttled(null, options);
        }

        Assert.Equal(1, gate.Throttles);
        Assert.Equal(Start + TimeSpan.FromSeconds(0.75), gate.ClosedUntil);
    }

    [Fact]
    public async Task PublicEntryPoint_SharesTheKitsGate_RefusesWhileClosed_AndAProbeReopensIt()
    {
        // A backend on a vendor SDK's own pipeline (Azure's) enters the same gate as the kit's clients.
        var time = new ManualTimeProvider(Start);
        var answers = new Answers();
        await using var server = await HostileServer.StartAsync(answers.Handle);
        using var kit = Kit.Client(server, Refusing(), time: time);
        var endpoint = new Uri(server.Address, "v1/elsewhere?x=1");
        var refusing = new ThrottleGateOptions { InlineWait = TimeSpan.Zero };

        var pass = await SharedThrottleGate.EnterAsync(endpoint, refusing, time);
        Assert.False(pass.IsRefused);
        pass.Throttled(TimeSpan.FromSeconds(30)); // what the vendor pipeline saw

        var refusedKit = await Assert.ThrowsAsync<SecretStoreException>(() => Kit.GetAsync(kit));
        Assert.True(refusedKit.NotSent);
        var refused = await SharedThrottleGate.EnterAsync(endpoint, refusing, time);
        Assert.True(refused.IsRefused);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.Equal(0, answers.Count);

        Assert.False((await SharedThrottleGate.EnterAsync(endpoint, new ThrottleGateOptions { Enabled = false }, time)).IsRefused);

        time.Advance(TimeSpan.FromSeconds(30));
        var probe = await SharedThrottleGate.EnterAsync(endpoint, refusing, time);
        Assert.False(probe.IsRefused);
        var behindTheProbe = Kit.GetAsync(kit);
        probe.Throttled(TimeSpan.FromSeconds(30)); // the probe is throttled again: the gate closes for another 30 s

        var refusedAgain = await Assert.ThrowsAsync<SecretStoreException>(() => behindTheProbe.WaitAsync(Waits.Guard));
        Assert.True(refusedAgain.NotSent);
        Assert.Equal(TimeSpan.FromSeconds(30), refusedAgain.RetryAfter);
        Assert.Equal(0, answers.Count);
    }

    [Fact]
    public void Options_RejectAnInvertedOrEmptyBackOff()
    {
        Assert.Contains("BaseDelay", Assert.Throws<ArgumentException>(() => WithThrottle(t => t.BaseDelay = TimeSpan.FromMinutes(10)).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("MaxDelay", Assert.Throws<ArgumentException>(() => WithThrottle(t => t.MaxDelay = TimeSpan.Zero).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("InlineWait", Assert.Throws<ArgumentException>(() => WithThrottle(t => t.InlineWait = TimeSpan.FromSeconds(-1)).Validate()).Message, StringComparison.Ordinal);
    }

    /// <summary>Options that refuse at once instead of waiting inside the call, so a test sees each refusal.</summary>
    private static BackendHttpOptions Refusing() => WithThrottle(t => t.InlineWait = TimeSpan.Zero);

    /// <summary>Options with the gate on and its default inline wait (5 s).</summary>
    private static BackendHttpOptions Waiting() => new();

    private static BackendHttpOptions Ungated() => WithThrottle(t => t.Enabled = false);

    private static BackendHttpOptions WithThrottle(Action<ThrottleGateOptions> configure)
    {
        var options = new BackendHttpOptions();
        configure(options.Throttle);
        return options;
    }

    /// <summary>The server side: the first <see cref="Throttle"/> requests are throttled, then 200; every request counted.</summary>
    private sealed class Answers
    {
        private int _count;

        public int Throttle { get; set; }

        public int ThrottleStatus { get; set; } = 429;

        public string? RetryAfter { get; set; }

        /// <summary>When set, successful answers wait for it (a probe kept out).</summary>
        public Task? Hold { get; set; }

        public int Count => Volatile.Read(ref _count);

        public async Task Handle(HttpContext context)
        {
            Interlocked.Increment(ref _count);
            if (Throttle > 0)
            {
                Throttle--;
                context.Response.StatusCode = ThrottleStatus;
                if (RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                await context.Response.WriteAsync("{\"message\":\"slow down\"}");
                return;
            }

            if (Hold is { } hold)
            {
                await hold;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"name\":\"ok\"}");
        }
    }
}
