using System.Text.Json.Serialization;

namespace Secrets.Sdk.Http.Tests;

/// <summary>Source-generated JSON for the test answers.</summary>
[JsonSerializable(typeof(SampleAnswer))]
[JsonSerializable(typeof(SampleError))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}

internal sealed class SampleAnswer
{
    public string? Value { get; set; }

    public string? Binary { get; set; }

    public string? NextToken { get; set; }
}

internal sealed class SampleError
{
    public string? Code { get; set; }

    public string? Message { get; set; }
}
