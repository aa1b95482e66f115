using Secrets.Sdk.Encryption;

namespace Secrets.Sdk;

/// <summary>
/// Reads the last-known-good cache from a declared secrets section:
/// <c>"LastKnownGoodCache": { "Path": "/var/cache/orders/secrets.lkg", "KeyFile": "/etc/orders/lkg.key", "KeyId": "orders-lkg:v1", "MaxAge": "1.00:00:00" }</c>
/// (also <c>ApplicationName</c>, <c>MaxFileBytes</c>, <c>ReadTimeout</c>, <c>WriteTimeout</c>). The key-encryption key
/// declared here is a local key file (<see cref="LocalKeyEncryptionKey.FromFile(string, string)"/>); for any other KEK, call
/// <see cref="SecretsManagerBuilder.UseLastKnownGoodCache"/> in code, which replaces the declared cache.
/// </summary>
internal static class DeclaredLastKnownGoodCache
{
    public const string SectionName = "LastKnownGoodCache";

    public static void Apply(SecretsManagerBuilder builder, DeclaredSection root)
    {
        if (root.GetSection(SectionName) is not { } section)
        {
            return;
        }

        var path = section.GetRequiredString("Path");
        var keyFile = section.GetRequiredString("KeyFile");
        var keyId = section.GetRequiredString("KeyId");
        var applicationName = section.GetString(nameof(LastKnownGoodCacheOptions.ApplicationName));
        var maxAge = section.GetTimeSpan(nameof(LastKnownGoodCacheOptions.MaxAge));
        var maxFileBytes = section.GetInt32(nameof(LastKnownGoodCacheOptions.MaxFileBytes));
        var readTimeout = section.GetTimeSpan(nameof(LastKnownGoodCacheOptions.ReadTimeout));
        var writeTimeout = section.GetTimeSpan(nameof(LastKnownGoodCacheOptions.WriteTimeout));
        if (path is null || keyFile is null || keyId is null)
        {
            return;
        }

        LocalKeyEncryptionKey kek;
        try
        {
            kek = LocalKeyEncryptionKey.FromFile(keyFile, keyId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            section.AddProblem("KeyFile", $"the key file could not be read ({ex.GetType().Name}); it must hold 32 bytes, raw or base64.");
            return;
        }

        try
        {
            builder.UseLastKnownGoodCache(path, c =>
            {
                c.KeyEncryptionKey = kek;
                c.ApplicationName = applicationName ?? c.ApplicationName;
                c.MaxAge = maxAge ?? c.MaxAge;
                c.MaxFileBytes = maxFileBytes ?? c.MaxFileBytes;
                c.ReadTimeout = readTimeout ?? c.ReadTimeout;
                c.WriteTimeout = writeTimeout ?? c.WriteTimeout;
            });
        }
        catch (ArgumentException ex)
        {
            kek.Dispose();
            section.AddProblem(ex.ParamName is { Length: > 0 } name && section.Contains(name) ? name : null, DeclaredSources.WithoutValues(ex.Message));
        }
    }
}
