using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>Source-generated JSON for every Secret Manager shape the backend reads.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(AccessSecretVersionResponse))]
[JsonSerializable(typeof(ListSecretVersionsResponse))]
internal sealed partial class GcpJsonContext : JsonSerializerContext;
