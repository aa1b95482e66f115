namespace Secrets.Sdk.Files;

/// <summary>
/// The source type <c>"Type": "MountedFiles"</c> in a declared secrets section: every setting of
/// <see cref="MountedFilesSourceOptions"/> except the code-only <c>Ignore</c> predicate and <c>KeyMapper</c> (set those with
/// <c>ConfigureDeclaredSources&lt;MountedFilesSourceOptions&gt;</c>). Found by the engine by name (no registration).
/// </summary>
internal sealed class MountedFilesSourceType : ISecretSourceType
{
    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declaration);
        if (declaration.GetRequiredString(nameof(MountedFilesSourceOptions.Path)) is not { } path)
        {
            Read(declaration, new MountedFilesSourceOptions()); // Still read the rest, so every problem is reported at once.
            return;
        }

        builder.AddMountedFiles(path, options => Read(declaration, options));
    }

    private static void Read(DeclaredSection declaration, MountedFilesSourceOptions options)
    {
        declaration.ApplyTo(options);
        options.IncludeSubdirectories = declaration.GetBoolean(nameof(options.IncludeSubdirectories)) ?? options.IncludeSubdirectories;
        options.MaxFileSizeBytes = declaration.GetInt64(nameof(options.MaxFileSizeBytes)) ?? options.MaxFileSizeBytes;
        options.MaxFileCount = declaration.GetInt32(nameof(options.MaxFileCount)) ?? options.MaxFileCount;
        options.MaxTotalBytes = declaration.GetInt64(nameof(options.MaxTotalBytes)) ?? options.MaxTotalBytes;
        options.AllowLinksOutsideMount = declaration.GetBoolean(nameof(options.AllowLinksOutsideMount)) ?? options.AllowLinksOutsideMount;
        options.ReadTimeout = declaration.GetTimeSpan(nameof(options.ReadTimeout)) ?? options.ReadTimeout;
        options.TrimTrailingNewlines = declaration.GetBoolean(nameof(options.TrimTrailingNewlines)) ?? options.TrimTrailingNewlines;
        options.UseFileSystemWatcher = declaration.GetBoolean(nameof(options.UseFileSystemWatcher)) ?? options.UseFileSystemWatcher;
        options.PollingInterval = declaration.GetTimeSpan(nameof(options.PollingInterval)) ?? options.PollingInterval;
        declaration.Customize(options);
    }
}
