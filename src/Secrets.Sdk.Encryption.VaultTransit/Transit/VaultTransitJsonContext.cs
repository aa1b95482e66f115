using System.Text.Json.Serialization;

namespace Secrets.Sdk.Vault;

/// <summary>Source-generated JSON for Vault Transit's encrypt, decrypt, datakey and rewrap (snake_case field names as Vault writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultTransitResponse))]
[JsonSerializable(typeof(VaultTransitRequest))]
internal sealed partial class VaultTransitJsonContext : JsonSerializerContext
{
}

#pragma warning disable SA1402 // Small wire DTOs of one API live together.
internal sealed class VaultTransitResponse
{
    public VaultTransitData? Data { get; set; }
}

internal sealed class VaultTransitData
{
    public string? Ciphertext { get; set; }

    public string? Plaintext { get; set; }

    public int KeyVersion { get; set; }
}

internal sealed class VaultTransitRequest
{
    public string? Plaintext { get; set; }

    public string? Ciphertext { get; set; }

    public string? AssociatedData { get; set; }

    public int? Bits { get; set; }
}
#pragma warning restore SA1402
