using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Sdk.Vault;

/// <summary>Source-generated JSON for the Vault HTTP API (snake_case field names as Vault writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultErrorResponse))]
[JsonSerializable(typeof(VaultAuthResponse))]
[JsonSerializable(typeof(VaultTokenLookupResponse))]
[JsonSerializable(typeof(VaultListResponse))]
[JsonSerializable(typeof(VaultKv2MetadataResponse))]
[JsonSerializable(typeof(VaultKv2DataResponse))]
[JsonSerializable(typeof(VaultSecretResponse))]
[JsonSerializable(typeof(VaultLeaseRenewResponse))]
[JsonSerializable(typeof(VaultMountResponse))]
[JsonSerializable(typeof(VaultTransitResponse))]
[JsonSerializable(typeof(VaultLoginRequest))]
[JsonSerializable(typeof(VaultLeaseRequest))]
[JsonSerializable(typeof(VaultIncrementRequest))]
[JsonSerializable(typeof(VaultTransitRequest))]
internal sealed partial class VaultJsonContext : JsonSerializerContext
{
}

#pragma warning disable SA1402 // Small wire DTOs of one API live together.
internal sealed class VaultErrorResponse
{
    public List<string>? Errors { get; set; }
}

internal sealed class VaultAuthResponse
{
    public VaultAuth? Auth { get; set; }
}

internal sealed class VaultAuth
{
    public string ClientToken { get; set; } = string.Empty;

    public string? Accessor { get; set; }

    public long LeaseDuration { get; set; }

    public bool Renewable { get; set; }
}

internal sealed class VaultTokenLookupResponse
{
    public VaultTokenLookup? Data { get; set; }
}

internal sealed class VaultTokenLookup
{
    public string? Accessor { get; set; }

    public long Ttl { get; set; }

    public bool Renewable { get; set; }
}

internal sealed class VaultListResponse
{
    public VaultKeys? Data { get; set; }
}

internal sealed class VaultKeys
{
    public List<string> Keys { get; set; } = [];
}

internal sealed class VaultKv2MetadataResponse
{
    public VaultKv2Metadata? Data { get; set; }
}

internal sealed class VaultKv2Metadata
{
    public int CurrentVersion { get; set; }

    public DateTimeOffset? UpdatedTime { get; set; }

    public Dictionary<string, VaultKv2VersionMetadata>? Versions { get; set; }
}

internal sealed class VaultKv2VersionMetadata
{
    public string? DeletionTime { get; set; }

    public bool Destroyed { get; set; }

    public int Version { get; set; }
}

internal sealed class VaultKv2DataResponse
{
    public VaultKv2Data? Data { get; set; }
}

internal sealed class VaultKv2Data
{
    public JsonElement Data { get; set; }

    public VaultKv2VersionMetadata? Metadata { get; set; }
}

internal sealed class VaultSecretResponse
{
    public string? LeaseId { get; set; }

    public long LeaseDuration { get; set; }

    public bool Renewable { get; set; }

    public JsonElement Data { get; set; }
}

internal sealed class VaultLeaseRenewResponse
{
    public string LeaseId { get; set; } = string.Empty;

    public long LeaseDuration { get; set; }

    public bool Renewable { get; set; }
}

internal sealed class VaultMountResponse
{
    public VaultMount? Data { get; set; }
}

internal sealed class VaultMount
{
    public string? Type { get; set; }

    public string? Path { get; set; }

    public Dictionary<string, string>? Options { get; set; }
}

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

internal sealed class VaultLoginRequest
{
    public string? RoleId { get; set; }

    public string? SecretId { get; set; }

    public string? Role { get; set; }

    public string? Jwt { get; set; }
}

internal sealed class VaultLeaseRequest
{
    public string LeaseId { get; set; } = string.Empty;

    public long? Increment { get; set; }
}

internal sealed class VaultIncrementRequest
{
    public string? Increment { get; set; }
}

internal sealed class VaultTransitRequest
{
    public string? Plaintext { get; set; }

    public string? Ciphertext { get; set; }

    public string? AssociatedData { get; set; }

    public int? Bits { get; set; }
}
#pragma warning restore SA1402
