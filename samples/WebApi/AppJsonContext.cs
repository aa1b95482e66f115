using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebApi;

/// <summary>Source-generated JSON for the sample's own endpoint (no reflection serialization).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DatabaseView))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
