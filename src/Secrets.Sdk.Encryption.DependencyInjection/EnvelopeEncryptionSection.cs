using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// Reads an envelope encryption configuration section without the configuration binder (no reflection, AOT-safe):
/// every value is parsed here, and every problem names its configuration path, never a value that could be a key.
/// </summary>
internal static class EnvelopeEncryptionSection
{
    private const string Keys = "Keys";
    private const string DataKeyCache = "DataKeyCache";
    private const string DecryptPolicy = "DecryptPolicy";
    private static readonly string[] TopLevel = [Keys, "Suite", "FrameSize", DataKeyCache, DecryptPolicy];
    private static readonly string[] CacheSettings = ["MaxAge", "MaxMessages", "MaxBytes"];
    private static readonly string[] PolicySettings = ["MinimumKeyVersion", "AllowedKeyIds", "MaxWrappedKeys", "MaxHeaderBytes", "MaxBodyBytes"];

    public static string KeysPath(IConfiguration section) => Path(section, Keys);

    /// <summary>Applies <paramref name="section"/> to <paramref name="options"/>; returns the configuration path of each key URI read.</summary>
    public static List<string> Read(IConfiguration section, EnvelopeEncryptionOptions options)
    {
        CheckKnown(section, TopLevel);
        var paths = new List<string>();
        foreach (var (path, uri) in Strings(section.GetSection(Keys)))
        {
            options.Keys.Add(uri);
            paths.Add(path);
        }

        var encryptor = options.Encryptor;
        if (Value(section, "Suite") is { } suite)
        {
            encryptor.Suite = Enum.TryParse<EnvelopeSuite>(suite.Value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(suite.Value[0])
                ? parsed
                : throw Invalid(suite.Path, $"'{suite.Value}' is not a suite; use {string.Join(" or ", Enum.GetNames<EnvelopeSuite>())}");
        }

        if (Value(section, "FrameSize") is { } frameSize)
        {
            encryptor.FrameSize = (int)Integer(frameSize, EnvelopeEncryptorOptions.MinFrameSize, EnvelopeEncryptorOptions.MaxFrameSize);
        }

        var cache = section.GetSection(DataKeyCache);
        if (cache.Exists())
        {
            CheckKnown(cache, CacheSettings);
            var cacheOptions = encryptor.DataKeyCache ?? new DataKeyCacheOptions();
            if (Value(cache, "MaxAge") is { } maxAge)
            {
                cacheOptions.MaxAge = TimeSpan.TryParse(maxAge.Value, CultureInfo.InvariantCulture, out var age) && age > TimeSpan.Zero
                    ? age
                    : throw Invalid(maxAge.Path, $"'{maxAge.Value}' is not a positive time span (for example 00:05:00)");
            }

            if (Value(cache, "MaxMessages") is { } maxMessages)
            {
                cacheOptions.MaxMessages = Integer(maxMessages, 1, long.MaxValue);
            }

            if (Value(cache, "MaxBytes") is { } maxBytes)
            {
                cacheOptions.MaxBytes = Integer(maxBytes, 1, long.MaxValue);
            }

            encryptor.DataKeyCache = cacheOptions;
        }

        var policy = section.GetSection(DecryptPolicy);
        if (policy.Exists())
        {
            CheckKnown(policy, PolicySettings);
            var decrypt = encryptor.DecryptPolicy;
            if (Value(policy, "MinimumKeyVersion") is { } minimum)
            {
                decrypt.MinimumKeyVersion = (int)Integer(minimum, 1, int.MaxValue);
            }

            foreach (var (_, id) in Strings(policy.GetSection("AllowedKeyIds")))
            {
                decrypt.AllowedKeyIds.Add(id);
            }

            if (Value(policy, "MaxWrappedKeys") is { } maxWrapped)
            {
                decrypt.MaxWrappedKeys = (int)Integer(maxWrapped, 1, ushort.MaxValue);
            }

            if (Value(policy, "MaxHeaderBytes") is { } maxHeader)
            {
                decrypt.MaxHeaderBytes = (int)Integer(maxHeader, 64, int.MaxValue);
            }

            if (Value(policy, "MaxBodyBytes") is { } maxBody)
            {
                decrypt.MaxBodyBytes = Integer(maxBody, 0, long.MaxValue);
            }
        }

        return paths;
    }

    /// <summary>A list setting given as an array (<c>["a", "b"]</c>) or as one string.</summary>
    private static IEnumerable<(string Path, string Value)> Strings(IConfigurationSection list)
    {
        if (list.Value is { } single)
        {
            if (!string.IsNullOrWhiteSpace(single))
            {
                yield return (list.Path, single);
            }

            yield break;
        }

        foreach (var item in list.GetChildren())
        {
            if (item.GetChildren().Any())
            {
                throw Invalid(item.Path, "an object where a string is expected");
            }

            if (string.IsNullOrWhiteSpace(item.Value))
            {
                throw Invalid(item.Path, "an empty entry");
            }

            yield return (item.Path, item.Value);
        }
    }

    private static (string Path, string Value)? Value(IConfiguration section, string name)
    {
        var child = section.GetSection(name);
        if (child.GetChildren().Any())
        {
            throw Invalid(child.Path, "an object or array where a single value is expected");
        }

        return string.IsNullOrWhiteSpace(child.Value) ? null : (child.Path, child.Value.Trim());
    }

    private static long Integer((string Path, string Value) setting, long min, long max) =>
        long.TryParse(setting.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(setting.Path, $"'{setting.Value}' is not an integer between {min} and {max}");

    private static void CheckKnown(IConfiguration section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid(child.Path, $"not a known setting (known here: {string.Join(", ", known)})");
            }
        }
    }

    private static string Path(IConfiguration section, string name) =>
        section is IConfigurationSection { Path: { Length: > 0 } parent } ? ConfigurationPath.Combine(parent, name) : name;

    private static InvalidOperationException Invalid(string path, string problem) =>
        new($"Envelope encryption setting '{path}': {problem}.");
}
