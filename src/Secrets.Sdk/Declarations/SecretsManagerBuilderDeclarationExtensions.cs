using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>Adds secret sources declared in configuration (an <c>appsettings.json</c> section) to a <see cref="SecretsManagerBuilder"/>.</summary>
public static class SecretsManagerBuilderDeclarationExtensions
{
    /// <summary>
    /// Reads the builder settings (<c>StartupTimeout</c>, <c>OptionalSourceWait</c>, <c>ShutdownTimeout</c>) and the
    /// <c>Sources</c> list of <paramref name="section"/> and adds each source, in order. This is what
    /// <c>AddSecretsManager(section)</c> does; call it directly to build sources without a host (a tool that checks a file).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The declaring section, for example <c>configuration.GetSection("SecretsManager")</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="SecretsConfigurationException">The section has problems (all of them are listed, by path); nothing was added.</exception>
    public static SecretsManagerBuilder AddDeclaredSources(this SecretsManagerBuilder builder, IConfiguration section)
    {
        DeclaredSources.Read(builder, section, configure: null);
        return builder;
    }

    /// <summary>
    /// Registers code that completes every source of options type <typeparamref name="TOptions"/> declared in
    /// configuration, after the file's settings are read and before the source is validated: what cannot be written in a
    /// file (a credential object, an HTTP handler, a key mapper). Register it before the sources are read (in the
    /// <c>configure</c> callback of <c>AddSecretsManager(section, configure)</c>, or before <see cref="AddDeclaredSources"/>).
    /// </summary>
    /// <typeparam name="TOptions">The backend's options type, for example <c>AzureKeyVaultSourceOptions</c>.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Completes the options.</param>
    /// <returns>This builder.</returns>
    public static SecretsManagerBuilder ConfigureDeclaredSources<TOptions>(this SecretsManagerBuilder builder, Action<TOptions> configure)
        where TOptions : SecretSourceOptions =>
        AddHook(builder, name: null, configure);

    /// <summary>
    /// Like <see cref="ConfigureDeclaredSources{TOptions}(SecretsManagerBuilder, Action{TOptions})"/>, for the declared
    /// source whose <c>Name</c> is <paramref name="name"/> only.
    /// </summary>
    /// <typeparam name="TOptions">The backend's options type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The source's <c>Name</c> setting (case-insensitive).</param>
    /// <param name="configure">Completes the options.</param>
    /// <returns>This builder.</returns>
    public static SecretsManagerBuilder ConfigureDeclaredSource<TOptions>(this SecretsManagerBuilder builder, string name, Action<TOptions> configure)
        where TOptions : SecretSourceOptions
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddHook(builder, name, configure);
    }

    private static SecretsManagerBuilder AddHook<TOptions>(SecretsManagerBuilder builder, string? name, Action<TOptions> configure)
        where TOptions : SecretSourceOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.DeclaredSourceHooks.Add(new DeclaredSourceHook(typeof(TOptions), name, options => configure((TOptions)options)));
        return builder;
    }
}
