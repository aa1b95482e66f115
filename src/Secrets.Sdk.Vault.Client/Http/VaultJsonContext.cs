using System.Text.Json.Serialization;

namespace Secrets.Sdk.Vault;

/// <summary>Source-generated JSON for the Vault HTTP API the connection itself uses: errors, logins and the token (snake_case field names as Vault writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultErrorResponse))]
[JsonSerializable(typeof(VaultAuthResponse))]
[JsonSerializable(typeof(VaultTokenLookupResponse))]
[JsonSerializable(typeof(VaultLoginRequest))]
[JsonSerializable(typeof(VaultIncrementRequest))]
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

internal sealed class VaultLoginRequest
{
    public string? RoleId { get; set; }

    public string? SecretId { get; set; }

    public string? Role { get; set; }

    public string? Jwt { get; set; }
}

internal sealed class VaultIncrementRequest
{
    public string? Increment { get; set; }
}
#pragma warning restore SA1402
