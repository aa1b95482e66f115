using System.Security.Cryptography;
using System.Text;
using Secrets.Sdk.AspNetCore.Tests.Infrastructure;
using Secrets.Sdk.Files;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.AspNetCore.Tests.Status;

public sealed class StatusNeverRevealsValuesTests
{
    [Fact]
    public async Task Status_NoSecretValueHashOrRawContentVersionAppears_AcrossLoadFailureRotationAndLeases()
    {
        var time = new ManualTimeProvider();
        var sentinels = new List<string>();
        string Sentinel(string what)
        {
            var value = $"SENTINEL-{what}-{Guid.NewGuid():N}";
            sentinels.Add(value);
            return value;
        }

        var store = new InMemorySecretStore("mem", time);
        store.Set("Database--Password", Sentinel("password"));
        store.Set("Stripe", $$"""{"ApiKey":"{{Sentinel("json-field")}}"}""", "application/json");
        store.Set("denied", Sentinel("denied"), optional: true);
        store.FailSecret("denied", SecretErrorKind.AccessDenied);
        var dynamicValues = new List<string>();
        store.SetDynamic("database/creds/app", serial =>
        {
            var value = Sentinel("dynamic-" + serial);
            lock (dynamicValues)
            {
                dynamicValues.Add(value);
            }

            return value;
        }, TimeSpan.FromHours(1), TimeSpan.FromHours(24));

        var mount = Directory.CreateTempSubdirectory("secrets-status-");
        try
        {
            // Mounted files use a content hash as their version: the status must not publish it.
            await File.WriteAllTextAsync(Path.Combine(mount.FullName, "Api__Token"), Sentinel("file"));
            await using var app = await StatusApp.StartAsync(time, s =>
            {
                s.AddStore(store, StatusApp.Options("mem"));
                s.AddMountedFiles(mount.FullName, o => o.Name = "files");
            });

            var texts = new List<string> { await app.GetStatusTextAsync() };
            store.Set("Database--Password", Sentinel("rotated"));
            store.FailEverything(SecretErrorKind.Unavailable);
            await app.Manager.RefreshAsync();
            texts.Add(await app.GetStatusTextAsync());
            store.ClearFailures();
            await app.Manager.RefreshAsync();
            texts.Add(await app.GetStatusTextAsync());

            var rawVersions = app.Manager.Sources.SelectMany(s => s.Secrets).Select(s => s.Version).OfType<string>().Where(v => v.Length >= 8).ToArray();
            Assert.NotEmpty(rawVersions);
            Assert.NotEmpty(dynamicValues);
            foreach (var text in texts)
            {
                Assert.Contains("\"files\"", text, StringComparison.Ordinal); // the document is about these sources
                foreach (var sentinel in sentinels)
                {
                    Assert.DoesNotContain(sentinel, text, StringComparison.Ordinal);
                    Assert.DoesNotContain("SENTINEL", text, StringComparison.OrdinalIgnoreCase);
                    var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sentinel));
                    Assert.DoesNotContain(Convert.ToHexString(hash)[..16], text, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(sentinel))[..16], text, StringComparison.Ordinal);
                }

                foreach (var version in rawVersions)
                {
                    Assert.DoesNotContain(version, text, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
        finally
        {
            mount.Delete(recursive: true);
        }
    }
}
