namespace VaultSample;

/// <summary>Bound from the <c>Database</c> section: KV v2 fields of <c>secret/orders/production/Database</c>.</summary>
public sealed class DatabaseOptions
{
    public string Host { get; set; } = "";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
