namespace AzureKeyVault;

/// <summary>The options the sample binds from the <c>Database</c> section (secrets <c>orders-Database--User</c> and <c>orders-Database--Password</c>).</summary>
internal sealed class DatabaseOptions
{
    public string User { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;
}
