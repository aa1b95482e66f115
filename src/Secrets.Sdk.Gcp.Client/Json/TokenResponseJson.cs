using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>The answer of an OAuth 2.0 token endpoint or of the metadata server's token path.</summary>
/// <remarks>https://developers.google.com/identity/protocols/oauth2/service-account#httprest (step "Handling the response").</remarks>
internal sealed class TokenResponseJson
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}
