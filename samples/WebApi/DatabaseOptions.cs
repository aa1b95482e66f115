namespace WebApi;

/// <summary>The database settings, bound from the <c>Database</c> section the secrets fill.</summary>
public sealed class DatabaseOptions
{
    public string Host { get; set; } = "";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
