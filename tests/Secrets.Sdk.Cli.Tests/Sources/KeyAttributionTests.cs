namespace Secrets.Sdk.Cli.Tests;

public sealed class KeyAttributionTests
{
    private static readonly LoadedSecretStatus Db = new("secret/orders/db", "3", null);
    private static readonly LoadedSecretStatus Stripe = new("secret/orders/stripe", "7", null);

    [Theory]
    [InlineData("db:password", "3")]
    [InlineData("Orders:DB:password", "3")]
    [InlineData("stripe:key", "7")]
    public void Find_PicksTheSecretWhoseNameTailIsInTheKey(string key, string version)
    {
        Assert.Equal(version, KeyAttribution.Find(key, [Db, Stripe])?.Version);
    }

    [Fact]
    public void Find_NoMatchOrTie_AttributesNothing()
    {
        Assert.Null(KeyAttribution.Find("other", [Db, Stripe]));
        Assert.Null(KeyAttribution.Find("orders:x", [Db, Stripe]));
    }

    [Fact]
    public void Find_OneSecret_OwnsEveryKey() => Assert.Same(Db, KeyAttribution.Find("anything", [Db]));
}
