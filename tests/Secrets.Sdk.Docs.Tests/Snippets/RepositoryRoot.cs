namespace Secrets.Sdk.Docs.Tests.Snippets;

/// <summary>Finds the repository root (the folder holding Secrets.Sdk.sln) above the test's output folder.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>Gets the repository root.</summary>
    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Secrets.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Secrets.Sdk.sln above {AppContext.BaseDirectory}.");
    }
}
