namespace GcpSecretManager;

/// <summary>The options the sample binds from the <c>Database</c> section (secrets <c>Database__User</c> and <c>Database__Password</c>).</summary>
internal sealed class DatabaseOptions
{
    public string User { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;
}
