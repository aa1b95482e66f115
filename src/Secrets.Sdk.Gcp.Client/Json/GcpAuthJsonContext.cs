using System.Text.Json.Serialization;

namespace Secrets.Sdk.Gcp;

/// <summary>Source-generated JSON for credential files, token answers and assertions.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CredentialFileJson))]
[JsonSerializable(typeof(TokenResponseJson))]
[JsonSerializable(typeof(OAuthErrorJson))]
[JsonSerializable(typeof(JwtHeaderJson))]
[JsonSerializable(typeof(JwtClaimsJson))]
internal sealed partial class GcpAuthJsonContext : JsonSerializerContext;
