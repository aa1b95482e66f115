using System.Text.Json.Serialization;

namespace Secrets.Sdk.Aws;

/// <summary>Source-generated JSON for the Secrets Manager JSON 1.1 protocol (PascalCase members, epoch-second dates).</summary>
/// <remarks>Shapes: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html.</remarks>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListSecretsRequest))]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(DescribeSecretRequest))]
[JsonSerializable(typeof(SecretListEntry))]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(SecretValueEntry))]
[JsonSerializable(typeof(BatchGetSecretValueRequest))]
[JsonSerializable(typeof(BatchGetSecretValueResponse))]
[JsonSerializable(typeof(AwsErrorResponse))]
internal sealed partial class SecretsManagerJsonContext : JsonSerializerContext
{
}

// Wire DTOs of one API live together.
internal sealed class SecretsManagerFilter
{
    public string Key { get; set; } = string.Empty;

    public List<string> Values { get; set; } = [];
}

internal sealed class ListSecretsRequest
{
    public List<SecretsManagerFilter>? Filters { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public bool? IncludePlannedDeletion { get; set; }
}

internal sealed class ListSecretsResponse
{
    public List<SecretListEntry>? SecretList { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class DescribeSecretRequest
{
    public string SecretId { get; set; } = string.Empty;
}

internal sealed class AwsTag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

/// <summary>A ListSecrets entry and the DescribeSecret response (which names the stage map VersionIdsToStages).</summary>
internal sealed class SecretListEntry
{
    public string? ARN { get; set; }

    public string? Name { get; set; }

    public double? LastChangedDate { get; set; }

    public double? DeletedDate { get; set; }

    public Dictionary<string, List<string>>? SecretVersionsToStages { get; set; }

    public Dictionary<string, List<string>>? VersionIdsToStages { get; set; }

    public List<AwsTag>? Tags { get; set; }
}

internal sealed class GetSecretValueRequest
{
    public string SecretId { get; set; } = string.Empty;

    public string? VersionId { get; set; }

    public string? VersionStage { get; set; }
}

internal sealed class SecretValueEntry
{
    public string? ARN { get; set; }

    public string? Name { get; set; }

    public string? VersionId { get; set; }

    public string? SecretString { get; set; }

    public string? SecretBinary { get; set; }

    public List<string>? VersionStages { get; set; }

    public double? CreatedDate { get; set; }
}

internal sealed class BatchGetSecretValueRequest
{
    public List<string> SecretIdList { get; set; } = [];
}

internal sealed class BatchGetSecretValueError
{
    public string? SecretId { get; set; }

    public string? ErrorCode { get; set; }

    public string? Message { get; set; }
}

internal sealed class BatchGetSecretValueResponse
{
    public List<SecretValueEntry>? SecretValues { get; set; }

    public List<BatchGetSecretValueError>? Errors { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class AwsErrorResponse
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    public string? Message { get; set; }

    [JsonPropertyName("message")]
    public string? LowerMessage { get; set; }
}
