namespace WebApi;

/// <summary>
/// Creates the mounted-secrets folder the appsettings.json source reads, with demo values, when it does not exist yet —
/// so the sample runs with one command. In production the folder is a Kubernetes Secret volume or a CSI mount.
/// </summary>
internal static class DemoSecrets
{
    public static bool EnsureExists(string path)
    {
        if (Directory.Exists(path))
        {
            return false;
        }

        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "Database__Host"), "db.orders.internal");
        File.WriteAllText(Path.Combine(path, "Database__Username"), "orders_app");
        File.WriteAllText(Path.Combine(path, "Database__Password"), "demo-password-1");
        return true;
    }
}
