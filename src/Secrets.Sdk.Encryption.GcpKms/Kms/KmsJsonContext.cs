using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>Source-generated JSON for the Cloud KMS encrypt and decrypt shapes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KmsEncryptRequest))]
[JsonSerializable(typeof(KmsEncryptResponse))]
[JsonSerializable(typeof(KmsDecryptRequest))]
[JsonSerializable(typeof(KmsDecryptResponse))]
internal sealed partial class KmsJsonContext : JsonSerializerContext;
