using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

// Wire shapes of Cloud KMS cryptoKeys.encrypt / cryptoKeys.decrypt. Bytes are base64 strings, CRC32C values int64 as
// JSON strings. https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/encrypt and
// https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/decrypt

/// <summary>The body of <c>cryptoKeys.encrypt</c>.</summary>
internal sealed class KmsEncryptRequest
{
    [JsonPropertyName("plaintext")]
    public string? Plaintext { get; set; }

    [JsonPropertyName("additionalAuthenticatedData")]
    public string? AdditionalAuthenticatedData { get; set; }

    [JsonPropertyName("plaintextCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? PlaintextCrc32c { get; set; }

    [JsonPropertyName("additionalAuthenticatedDataCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? AdditionalAuthenticatedDataCrc32c { get; set; }
}

/// <summary>The answer of <c>cryptoKeys.encrypt</c>.</summary>
internal sealed class KmsEncryptResponse
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("ciphertext")]
    public string? Ciphertext { get; set; }

    [JsonPropertyName("ciphertextCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? CiphertextCrc32c { get; set; }

    [JsonPropertyName("verifiedPlaintextCrc32c")]
    public bool VerifiedPlaintextCrc32c { get; set; }

    [JsonPropertyName("verifiedAdditionalAuthenticatedDataCrc32c")]
    public bool VerifiedAdditionalAuthenticatedDataCrc32c { get; set; }
}

/// <summary>The body of <c>cryptoKeys.decrypt</c>.</summary>
internal sealed class KmsDecryptRequest
{
    [JsonPropertyName("ciphertext")]
    public string? Ciphertext { get; set; }

    [JsonPropertyName("additionalAuthenticatedData")]
    public string? AdditionalAuthenticatedData { get; set; }

    [JsonPropertyName("ciphertextCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? CiphertextCrc32c { get; set; }

    [JsonPropertyName("additionalAuthenticatedDataCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? AdditionalAuthenticatedDataCrc32c { get; set; }
}

/// <summary>The answer of <c>cryptoKeys.decrypt</c>.</summary>
internal sealed class KmsDecryptResponse
{
    [JsonPropertyName("plaintext")]
    public string? Plaintext { get; set; }

    [JsonPropertyName("plaintextCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? PlaintextCrc32c { get; set; }

    [JsonPropertyName("usedPrimary")]
    public bool UsedPrimary { get; set; }
}
