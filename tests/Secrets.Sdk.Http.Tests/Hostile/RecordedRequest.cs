namespace Secrets.Sdk.Http.Tests;

/// <summary>A request the hostile server received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query string.</param>
/// <param name="Headers">Every header, by name (case-insensitive).</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers);
