using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// The fields of a Google credential file read here: a service-account key (<c>type</c> <c>service_account</c>), gcloud's
/// user credentials (<c>authorized_user</c>), or another type named in errors.
/// </summary>
/// <remarks>https://cloud.google.com/iam/docs/keys-create-delete (key file format), https://cloud.google.com/docs/authentication/application-default-credentials.</remarks>
internal sealed class CredentialFileJson
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("project_id")]
    public string? ProjectId { get; set; }

    [JsonPropertyName("private_key_id")]
    public string? PrivateKeyId { get; set; }

    [JsonPropertyName("private_key")]
    public string? PrivateKey { get; set; }

    [JsonPropertyName("client_email")]
    public string? ClientEmail { get; set; }

    [JsonPropertyName("client_id")]
    public string? ClientId { get; set; }

    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("token_uri")]
    public string? TokenUri { get; set; }

    [JsonPropertyName("universe_domain")]
    public string? UniverseDomain { get; set; }
}
