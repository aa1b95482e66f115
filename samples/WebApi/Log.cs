namespace WebApi;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Database pool rebuilt: generation {Generation}, password {Fingerprint}")]
    public static partial void Rebuilt(ILogger logger, int generation, string fingerprint);

    [LoggerMessage(2, LogLevel.Information, "Created {Path} with demo secrets (edit its files to rotate)")]
    public static partial void Seeded(ILogger logger, string path);
}
