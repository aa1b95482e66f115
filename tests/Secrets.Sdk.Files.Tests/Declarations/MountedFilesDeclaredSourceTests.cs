using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests.Declarations;

public sealed class MountedFilesDeclaredSourceTests
{
    [Fact]
    public async Task KubeletMount_DeclaredInJson_LoadsAndEverySettingIsBound()
    {
        var time = new ManualTimeProvider();
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Database__Password"] = "p1\n" });
        MountedFilesSourceOptions? seen = null;
        var section = Section($$"""
            { "SecretsManager": { "Sources": [ { "Type": "MountedFiles", "Path": {{JsonSerializer.Serialize(kubelet.Root)}},
                "Section": "App", "IncludeSubdirectories": false, "MaxFileSizeBytes": 4096, "MaxFileCount": 50,
                "MaxTotalBytes": 65536, "AllowLinksOutsideMount": false, "ReadTimeout": "00:00:05", "TrimTrailingNewlines": true,
                "UseFileSystemWatcher": false, "PollingInterval": "00:00:20", "ChangeDebounce": "00:00:00" } ] } }
            """);

        using var config = (ConfigurationRoot)new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = time;
            s.ConfigureDeclaredSources<MountedFilesSourceOptions>(o => seen = o);
        }).Build();

        Assert.Equal("p1", config["App:Database:Password"]);
        Assert.NotNull(seen);
        Assert.Equal((4096L, 50, 65536L), (seen.MaxFileSizeBytes, seen.MaxFileCount, seen.MaxTotalBytes));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)), (seen.ReadTimeout, seen.PollingInterval));
        Assert.False(seen.UseFileSystemWatcher);
        Assert.False(seen.IncludeSubdirectories);

        kubelet.Swap(new Dictionary<string, string> { ["Database__Password"] = "p2" });
        time.Advance(TimeSpan.FromSeconds(20));
        await Waits.UntilAsync(() => config["App:Database:Password"] == "p2", "the swap seen by the declared poll interval");
    }

    [Fact]
    public void MisspeltAndMistypedSettings_NamedByPath()
    {
        var section = Section("""
            { "SecretsManager": { "Sources": [ { "Type": "MountedFiles", "Path": "/mnt/secrets", "MaxFileSize": 10, "PollingInterval": "often" } ] } }
            """);

        var ex = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(section));

        Assert.Equal(
            ["SecretsManager:Sources:0:PollingInterval: expected a time span such as 00:05:00 (hours:minutes:seconds) or 1.00:00:00 (days); the value given is not.",
             "SecretsManager:Sources:0:MaxFileSize: unknown setting; did you mean 'MaxFileSizeBytes'?"],
            ex.Problems.Select(p => p.ToString()));
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("SecretsManager");
}
