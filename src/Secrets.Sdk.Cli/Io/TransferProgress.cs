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
        if (!console.ErrorIsTerminal || length <= Threshold)
        {
            await transfer(input).ConfigureAwait(false);
            return;
        }

        await console.CreateProgressConsole().Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: length);
                await transfer(new ProgressReadStream(input, read => task.Increment(read))).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
    }
}
