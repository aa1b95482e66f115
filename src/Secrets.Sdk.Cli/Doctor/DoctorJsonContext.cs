using System.Text.Json.Serialization;

namespace Secrets.Sdk.Cli;

/// <summary>Source-generated JSON for the <c>doctor --json</c> report (camelCase, indented, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DoctorReport))]
internal sealed partial class DoctorJsonContext : JsonSerializerContext;
