using System.Text.Json.Serialization;

namespace Secrets.Sdk.Azure;

/// <summary>The body of wrapkey/unwrapkey: <c>{"alg":"RSA-OAEP-256","value":"base64url"}</c>.</summary>
internal sealed class KeyOperationRequest
{
    [JsonPropertyName("alg")]
    public string? Algorithm { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

/// <summary>The answer of wrapkey/unwrapkey: <c>{"kid":"https://…/keys/name/version","value":"base64url"}</c>.</summary>
internal sealed class KeyOperationResult
{
    [JsonPropertyName("kid")]
    public string? KeyId { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

/// <summary>System.Text.Json source generation for the keys API.</summary>
[JsonSerializable(typeof(KeyOperationRequest))]
[JsonSerializable(typeof(KeyOperationResult))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class KeyOperationJsonContext : JsonSerializerContext;
