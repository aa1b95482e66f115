using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>An OAuth 2.0 error answer (RFC 6749 section 5.2): <c>{"error":"invalid_grant","error_description":"..."}</c>.</summary>
internal sealed class OAuthErrorJson
{
    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; set; }
}
