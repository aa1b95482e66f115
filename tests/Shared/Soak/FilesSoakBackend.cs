using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Mounted files: a directory of five files (<c>Soak</c> holds JSON), rotated by writing a temporary file and renaming
/// it over the old one, as an atomic update does. The engine polls it every refresh interval; the store's own poll
/// timer and its file watcher are off (the watcher wakes on real-time inotify events, the poll timer raises no event
/// when nothing changed), so one clock step is exactly one pass.
/// </summary>
internal sealed class FilesSoakBackend : ISoakBackend
{
    private readonly string _root = Directory.CreateTempSubdirectory("secrets-soak-").FullName;

    public string Name => "Files";

    public int Sources => 1;

    public Task StartAsync(ManualTimeProvider time, string firstValue)
    {
        for (var i = 1; i <= 4; i++)
        {
            File.WriteAllText(Path.Combine(_root, $"Fixed__Secret{i}"), $"fixed value {i}");
        }

        Rotate(firstValue);
        return Task.CompletedTask;
    }

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddMountedFiles(_root, o =>
        {
            o.UseFileSystemWatcher = false;
            o.PollingInterval = TimeSpan.FromDays(3650); // Never within a run: the engine's refresh loop polls.
            tuning(o);
        });

    public long Requests => 0;

    public bool OwnsSource(string source) => false;

    public void Rotate(string value)
    {
        var temporary = Path.Combine(_root, ".Soak.tmp");
        File.WriteAllText(temporary, $$"""{"Rotating":"{{value}}"}""");
        File.Move(temporary, Path.Combine(_root, "Soak"), overwrite: true);
    }

    public void TrimHistory()
    {
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
