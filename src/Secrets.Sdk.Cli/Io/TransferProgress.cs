using Spectre.Console;

namespace Secrets.Sdk.Cli;

/// <summary>Runs a stream transfer, with a progress bar on standard error when it is a terminal and the input is large.</summary>
internal static class TransferProgress
{
    /// <summary>Inputs larger than this (16 MiB) get a progress bar on a terminal.</summary>
    public const long Threshold = 16L * 1024 * 1024;

    /// <summary>Runs <paramref name="transfer"/> over <paramref name="input"/>, drawing progress when it is worth it.</summary>
    /// <param name="console">The console.</param>
    /// <param name="description">The bar's label, e.g. <c>encrypt big.bin</c>.</param>
    /// <param name="input">The input; its length is known only for files.</param>
    /// <param name="transfer">The work, reading the stream it is given.</param>
    /// <returns>A task.</returns>
    public static async Task RunAsync(CliConsole console, string description, Stream input, Func<Stream, Task> transfer)
    {
        var length = input.CanSeek ? input.Length - input.Position : -1;
        if (!console.ErrorIsTerminal || (length >= 0 && length <= Threshold))
        {
            await transfer(input).ConfigureAwait(false);
            return;
        }

        // A file over the threshold gets a bar from the start. A stream of unknown length (standard input) gets one, with
        // its byte count and speed, only once more than the threshold has passed: until then nothing at all is drawn.
        var counted = new ProgressReadStream(input);
        var large = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (length > Threshold)
        {
            large.TrySetResult();
        }
        else
        {
            counted.OnRead = _ =>
            {
                if (counted.Total > Threshold)
                {
                    large.TrySetResult();
                }
            };
        }

        // On the thread pool, so a transfer that completes synchronously still lets the threshold be seen; when both are
        // done, the threshold wins and the bar is drawn (at 100%). WhenAny may name the transfer even when the threshold
        // was crossed first (its continuation on the transfer can run before the one on the threshold, which runs
        // asynchronously), so the threshold is checked again.
        var work = Task.Run(() => transfer(counted));
        if (await Task.WhenAny(large.Task, work).ConfigureAwait(false) == work && !large.Task.IsCompleted)
        {
            await work.ConfigureAwait(false);
            return;
        }

        await console.CreateProgressConsole().Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: length >= 0 ? length : double.MaxValue);
                task.IsIndeterminate = length < 0;
                counted.OnRead = _ => task.Value = counted.Total;
                task.Value = counted.Total;
                await work.ConfigureAwait(false);
                task.MaxValue = task.Value = counted.Total;
                task.IsIndeterminate = false;
            }).ConfigureAwait(false);
    }
}
