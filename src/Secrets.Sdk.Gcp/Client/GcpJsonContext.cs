using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>Source-generated JSON for every Secret Manager and Cloud KMS shape the backend reads or writes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(AccessSecretVersionResponse))]
[JsonSerializable(typeof(ListSecretVersionsResponse))]
[JsonSerializable(typeof(GoogleErrorResponse))]
[JsonSerializable(typeof(KmsEncryptRequest))]
[JsonSerializable(typeof(KmsEncryptResponse))]
[JsonSerializable(typeof(KmsDecryptRequest))]
[JsonSerializable(typeof(KmsDecryptResponse))]
internal sealed partial class GcpJsonContext : JsonSerializerContext;
