using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Sdk.Vault;

/// <summary>Source-generated JSON for the KV, lease and mount APIs the configuration stores read (snake_case field names as Vault writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultListResponse))]
[JsonSerializable(typeof(VaultKv2MetadataResponse))]
[JsonSerializable(typeof(VaultKv2DataResponse))]
[JsonSerializable(typeof(VaultSecretResponse))]
[JsonSerializable(typeof(VaultLeaseRenewResponse))]
[JsonSerializable(typeof(VaultMountResponse))]
[JsonSerializable(typeof(VaultLeaseRequest))]
internal sealed partial class VaultStoreJsonContext : JsonSerializerContext
{
}

#pragma warning disable SA1402 // Small wire DTOs of one API live together.
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

internal sealed class VaultLeaseRequest
{
    public string LeaseId { get; set; } = string.Empty;

    public long? Increment { get; set; }
}
#pragma warning restore SA1402
