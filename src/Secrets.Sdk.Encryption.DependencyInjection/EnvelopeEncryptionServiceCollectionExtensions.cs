using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Encryption;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="EnvelopeEncryptor"/> as a singleton, from code or from a configuration section.</summary>
public static class EnvelopeEncryptionServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="EnvelopeEncryptor"/> singleton (and its <see cref="KeyEncryptionKeyRing"/>) configured in code.
    /// The keys are opened when the encryptor is first resolved; the container disposes them with it.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the keys (<see cref="EnvelopeEncryptionOptions.Keys"/>), registers URI schemes and sets the encryptor's options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddEnvelopeEncryption(this IServiceCollection services, Action<EnvelopeEncryptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, options =>
        {
            configure(options);
            return (nameof(EnvelopeEncryptionOptions.Keys), CodePaths(options, 0));
        });
    }

    /// <summary>
    /// Registers an <see cref="EnvelopeEncryptor"/> singleton configured by <paramref name="section"/>, then by
    /// <paramref name="configure"/> (which registers the URI schemes the section uses, and may add keys or settings).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">
    /// The section, for example <c>{ "Keys": ["local:/keys/app.key", "aws-kms:arn:…"], "FrameSize": 65536, "Suite":
    /// "Aes256Gcm", "DataKeyCache": { "MaxAge": "00:05:00", "MaxMessages": 1000, "MaxBytes": 1073741824 },
    /// "DecryptPolicy": { "MinimumKeyVersion": 2, "AllowedKeyIds": ["…"], "MaxWrappedKeys": 16, "MaxHeaderBytes": 65536,
    /// "MaxBodyBytes": 1073741824 } }</c>. It is read when the encryptor is first resolved; every problem is reported with
    /// its configuration path (an unknown or misspelt setting too), never with a key.
    /// </param>
    /// <param name="configure">Registers schemes (for example <c>o =&gt; o.Resolver.AddAwsKms()</c>) and adds code settings; optional.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddEnvelopeEncryption(this IServiceCollection services, IConfiguration section, Action<EnvelopeEncryptionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Register(services, options =>
        {
            var paths = EnvelopeEncryptionSection.Read(section, options);
            configure?.Invoke(options);
            return (EnvelopeEncryptionSection.KeysPath(section), [.. paths, .. CodePaths(options, paths.Count)]);
        });
    }

    private static IServiceCollection Register(IServiceCollection services, Func<EnvelopeEncryptionOptions, (string KeysPath, IReadOnlyList<string> Paths)> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(serviceProvider =>
        {
            var options = new EnvelopeEncryptionOptions();
            if (serviceProvider.GetService(typeof(TimeProvider)) is TimeProvider time)
            {
                options.Encryptor.TimeProvider = time;
            }

            var (keysPath, paths) = build(options);
            return EnvelopeEncryptionKeys.Open(options, keysPath, paths);
        });
        services.AddSingleton(serviceProvider => serviceProvider.GetRequiredService<EnvelopeEncryptionKeys>().Ring);
        services.AddSingleton(serviceProvider =>
        {
            var keys = serviceProvider.GetRequiredService<EnvelopeEncryptionKeys>();
            return new EnvelopeEncryptor(keys.Ring, keys.EncryptorOptions);
        });
        return services;
    }

    private static string[] CodePaths(EnvelopeEncryptionOptions options, int from) =>
        Enumerable.Range(from, Math.Max(0, options.Keys.Count - from)).Select(i => $"{nameof(EnvelopeEncryptionOptions.Keys)}[{i}]").ToArray();
}
