using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

// Wire shapes of the Secret Manager REST v1 calls the store makes.
// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/list
// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access
// https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/list

/// <summary>A page of <c>secrets.list</c>.</summary>
internal sealed class ListSecretsResponse
{
    [JsonPropertyName("secrets")]
    public List<SecretResource>? Secrets { get; set; }

    [JsonPropertyName("nextPageToken")]
    public string? NextPageToken { get; set; }

    [JsonPropertyName("totalSize")]
    public int? TotalSize { get; set; }
}

/// <summary>A <c>Secret</c> resource (metadata only).</summary>
internal sealed class SecretResource
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("createTime")]
    public DateTimeOffset? CreateTime { get; set; }

    [JsonPropertyName("expireTime")]
    public DateTimeOffset? ExpireTime { get; set; }

    [JsonPropertyName("etag")]
    public string? Etag { get; set; }
}

/// <summary>The answer of <c>versions.access</c>.</summary>
internal sealed class AccessSecretVersionResponse
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("payload")]
    public SecretPayload? Payload { get; set; }
}

/// <summary>A version's payload: base64 data and its CRC32C, an int64 the service writes as a JSON string.</summary>
internal sealed class SecretPayload
{
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    [JsonPropertyName("dataCrc32c")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? DataCrc32c { get; set; }
}

/// <summary>A page of <c>versions.list</c>.</summary>
internal sealed class ListSecretVersionsResponse
{
    [JsonPropertyName("versions")]
    public List<SecretVersionResource>? Versions { get; set; }

    [JsonPropertyName("nextPageToken")]
    public string? NextPageToken { get; set; }
}

/// <summary>A <c>SecretVersion</c> resource (metadata only).</summary>
internal sealed class SecretVersionResource
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }
}
