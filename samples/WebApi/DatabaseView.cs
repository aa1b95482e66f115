namespace WebApi;

/// <summary>What GET /database shows of the current pool: never the password, only its fingerprint.</summary>
public sealed record DatabaseView(int Generation, DateTimeOffset BuiltAt, string Host, string Username, string Password);
