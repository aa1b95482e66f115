using Secrets.Sdk.Files;

namespace Secrets.Sdk;

/// <summary>Adds mounted secret files (Kubernetes Secret volumes, CSI driver, Docker secrets) to Secrets.Sdk.</summary>
public static class MountedFilesSecretsManagerBuilderExtensions
{
    /// <summary>
    /// Adds the files in <paramref name="path"/>, one secret per file: <c>Database__Password</c> becomes
    /// <c>Database:Password</c>, sub-directories become sections. The directory is watched and polled so Kubernetes'
    /// atomic <c>..data</c> swap is seen every time; a missing directory after startup keeps the last good values.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="path">The mounted directory (for example <c>/mnt/secrets</c> or <c>/run/secrets</c>).</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddMountedFiles(this SecretsManagerBuilder builder, string path, Action<MountedFilesSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var options = new MountedFilesSourceOptions { Path = System.IO.Path.GetFullPath(path) };
        configure?.Invoke(options);
        options.Validate();
        return builder.AddStore(
            context => new MountedFilesSecretStore(options, context.TimeProvider, context.LoggerFactory.CreateLogger("Secrets.Sdk.Files")),
            options);
    }
}
