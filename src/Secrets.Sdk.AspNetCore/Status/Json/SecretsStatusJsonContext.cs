using System.Text.Json.Serialization;

namespace Secrets.Sdk.AspNetCore;

/// <summary>Source-generated serialization of the status document (no reflection; trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(SecretsStatusDocument))]
internal sealed partial class SecretsStatusJsonContext : JsonSerializerContext;
