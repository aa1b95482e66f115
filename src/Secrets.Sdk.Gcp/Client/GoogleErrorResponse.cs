using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>Google's error body: <c>{"error":{"code":404,"message":"...","status":"NOT_FOUND"}}</c>.</summary>
/// <remarks>https://cloud.google.com/apis/design/errors#http_mapping.</remarks>
internal sealed class GoogleErrorResponse
{
    [JsonPropertyName("error")]
    public GoogleError? Error { get; set; }
}

/// <summary>The <c>error</c> object of <see cref="GoogleErrorResponse"/>.</summary>
internal sealed class GoogleError
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

/// <summary>Source-generated JSON for <see cref="GoogleErrorResponse"/> (linked into every GCP package that sends through <see cref="GcpRestClient"/>).</summary>
[JsonSerializable(typeof(GoogleErrorResponse))]
internal sealed partial class GoogleErrorJsonContext : JsonSerializerContext;
