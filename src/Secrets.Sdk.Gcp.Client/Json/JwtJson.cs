using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>The JOSE header of a service account's assertion.</summary>
internal sealed class JwtHeaderJson
{
    [JsonPropertyName("alg")]
    public string Algorithm { get; set; } = "RS256";

    [JsonPropertyName("typ")]
    public string Type { get; set; } = "JWT";

    [JsonPropertyName("kid")]
    public string? KeyId { get; set; }
}

/// <summary>The claim set of a service account's assertion.</summary>
/// <remarks>https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests ("Forming the JWT claim set").</remarks>
internal sealed class JwtClaimsJson
{
    [JsonPropertyName("iss")]
    public string? Issuer { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("aud")]
    public string? Audience { get; set; }

    [JsonPropertyName("iat")]
    public long IssuedAt { get; set; }

    [JsonPropertyName("exp")]
    public long Expires { get; set; }
}
