using System.Text.Json.Serialization;

namespace Secrets.Sdk;

/// <summary>Source-generated JSON metadata of the last-known-good cache file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CachedSnapshot))]
[JsonSerializable(typeof(CacheFileHeader))]
internal sealed partial class LastKnownGoodJsonContext : JsonSerializerContext;
