using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Secrets.Sdk.Testing.Emulators.Faults;

/// <summary>
/// Puts faults into an emulator's answers: a <see cref="Policy"/> chooses, per request, nothing (the normal answer) or
/// an <see cref="EmulatorFault"/>. Status faults are written in the vendor's error shape by the emulator's
/// <see cref="EmulatorErrorWriter"/>; hangs, resets, truncated bodies and slow drips are done here, on the emulator's
/// clock (a manual clock in tests, so a drip or a hang advances only when the test advances time). With no policy set,
/// every request gets its normal answer and nothing else changes.
/// </summary>
public sealed class EmulatorFaultInjector
{
    private readonly TimeProvider _time;
    private readonly Func<HttpRequest, string> _describe;
    private readonly EmulatorErrorWriter _writeError;
    private readonly ConcurrentDictionary<EmulatorFaultKind, int> _injected = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;
    private int _held;
    private long _handled;

    /// <summary>Creates an injector for one emulator.</summary>
    /// <param name="time">The emulator's clock (drip intervals run on it).</param>
    /// <param name="describe">Names a request's operation, as the emulator's request log does.</param>
    /// <param name="writeError">Writes the vendor's throttling and unavailable answers.</param>
    internal EmulatorFaultInjector(TimeProvider time, Func<HttpRequest, string> describe, EmulatorErrorWriter writeError)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(describe);
        ArgumentNullException.ThrowIfNull(writeError);
        _time = time;
        _describe = describe;
        _writeError = writeError;
    }

    /// <summary>Gets or sets the policy that picks a fault for a request (<see langword="null"/> result: the normal answer). Called once per request, possibly from several threads at once.</summary>
    public Func<EmulatorRequest, EmulatorFault?>? Policy { get; set; }

    /// <summary>Gets the number of requests being handled right now (held hangs and drips included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Gets the number of requests waiting on the emulator's clock right now (a hang until the client gives up, a drip
    /// between pieces). <see cref="InFlight"/> minus this is the work the server is actually doing.
    /// </summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Gets the number of requests handled since the start.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Gets the number of faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<EmulatorFaultKind, int> Injected => new Dictionary<EmulatorFaultKind, int>(_injected);

    /// <summary>Returns how many faults of one kind were injected.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The count.</returns>
    public int Count(EmulatorFaultKind kind) => _injected.TryGetValue(kind, out var n) ? n : 0;

    /// <summary>Handles one request: the chosen fault, or <paramref name="next"/> (the emulator's normal handler).</summary>
    /// <param name="context">The request.</param>
    /// <param name="next">The emulator's handler.</param>
    /// <returns>A task that completes when the request is answered (or abandoned).</returns>
    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var fault = Policy?.Invoke(new EmulatorRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, _describe(context.Request)));
            if (fault is null)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            _injected.AddOrUpdate(fault.Kind, 1, (_, n) => n + 1);
            await ApplyAsync(context, fault, next).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _handled);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Releases every held request (hangs and drips) at once; the emulator calls this when it stops.</summary>
    internal void Stop() => _stopping.Cancel();

    private async Task ApplyAsync(HttpContext context, EmulatorFault fault, RequestDelegate next)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        switch (fault.Kind)
        {
            case EmulatorFaultKind.Throttled:
            case EmulatorFaultKind.Unavailable:
                await _writeError(context, fault).ConfigureAwait(false);
                return;
            case EmulatorFaultKind.ConnectionReset:
                context.Abort();
                return;
            case EmulatorFaultKind.Hang:
                Interlocked.Increment(ref _held);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Interlocked.Decrement(ref _held);
                }

                context.Abort();
                return;
        }

        // Truncated body and slow drip: the normal answer, buffered, then sent badly.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = buffer.ToArray();
        context.Response.ContentLength = body.Length;
        try
        {
            if (fault.Kind == EmulatorFaultKind.TruncatedBody)
            {
                await original.WriteAsync(body.AsMemory(0, body.Length / 2), linked.Token).ConfigureAwait(false);
                await original.FlushAsync(linked.Token).ConfigureAwait(false);
                context.Abort();
                return;
            }

            var chunks = Math.Max(2, fault.DripChunks);
            var size = Math.Max(1, (body.Length + chunks - 1) / chunks);
            for (var offset = 0; offset < body.Length; offset += size)
            {
                if (offset > 0)
                {
                    Interlocked.Increment(ref _held);
                    try
                    {
                        await Task.Delay(fault.DripInterval, _time, linked.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _held);
                    }
                }

                await original.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)), linked.Token).ConfigureAwait(false);
                await original.FlushAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }
}
