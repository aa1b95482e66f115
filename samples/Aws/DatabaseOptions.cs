namespace AwsSample;

/// <summary>Bound from the <c>Database</c> section: the JSON secret <c>prod/orders/Database</c>, flattened.</summary>
public sealed class DatabaseOptions
{
    public string Host { get; set; } = "";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
