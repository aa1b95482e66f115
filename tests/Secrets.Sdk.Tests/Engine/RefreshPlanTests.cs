namespace Secrets.Sdk.Tests.Engine;

public sealed class RefreshPlanTests
{
    [Fact]
    public void Plan_ReadsNewAndChangedVersions_KeepsUnchangedAndLeased_DropsDisabledAndDuplicates()
    {
        var loaded = new Dictionary<string, LoadedSecret>(StringComparer.Ordinal)
        {
            ["same"] = Loaded("same", "v1"),
            ["changed"] = Loaded("changed", "v1"),
            ["leased"] = Loaded("leased", "dynamic"),
            ["unversioned"] = Loaded("unversioned", null),
        };
        SecretMetadata[] listed =
        [
            new("same") { Version = "v1" },
            new("changed") { Version = "v2" },
            new("leased") { Version = "other", Leased = true },
            new("unversioned"),
            new("new") { Version = "v1" },
            new("new") { Version = "v1" },
            new("off") { Version = "v1", Enabled = false },
        ];

        var plan = RefreshPlan.Create(listed, loaded);

        Assert.Equal(["changed", "unversioned", "new"], plan.ToRead.Select(m => m.Name));
        Assert.Equal(["same", "leased"], plan.Kept);
        Assert.Equal(["off"], plan.Disabled);
        Assert.Equal(new HashSet<string>(["same", "changed", "leased", "unversioned", "new"]), plan.Listed);
    }

    private static LoadedSecret Loaded(string name, string? version) => new(new SecretMetadata(name) { Version = version }, [], null);
}
