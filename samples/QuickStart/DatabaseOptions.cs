namespace QuickStart;

/// <summary>The options the application binds from the <c>Database</c> section.</summary>
internal sealed class DatabaseOptions
{
    public string Host { get; set; } = string.Empty;

    public string Username { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;
}
