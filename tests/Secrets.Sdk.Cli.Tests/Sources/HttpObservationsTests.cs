namespace Secrets.Sdk.Cli.Tests;

public sealed class HttpObservationsTests
{
    [Theory]
    [InlineData("POST", "https://secretsmanager.eu-west-1.amazonaws.com/", "secretsmanager.ListSecrets", "ListSecrets")]
    [InlineData("GET", "https://secretmanager.googleapis.com/v1/projects/p/secrets/s/versions/latest:access", null, "versions.access")]
    [InlineData("GET", "https://secretmanager.googleapis.com/v1/projects/p/secrets?filter=x", null, "metadata")]
    [InlineData("GET", "https://orders.vault.azure.net/secrets?api-version=7.5", null, "secrets")]
    [InlineData("GET", "https://orders.vault.azure.net/secrets/db/abc?api-version=7.5", null, "secrets")]
    [InlineData("LIST", "https://vault:8200/v1/secret/metadata/orders", null, "LIST secret/")]
    public void OperationOf_NamesTheQuotaTheRequestCountsAgainst(string method, string uri, string? target, string expected)
    {
        Assert.Equal(expected, HttpObservations.OperationOf(method, new Uri(uri), target));
    }

    [Theory]
    [InlineData("POST", "https://secretsmanager.eu-west-1.amazonaws.com/", "secretsmanager.ListSecrets", true)]
    [InlineData("POST", "https://secretsmanager.eu-west-1.amazonaws.com/", "secretsmanager.DescribeSecret", false)]
    [InlineData("GET", "https://secretmanager.googleapis.com/v1/projects/p/secrets?filter=x", null, true)]
    [InlineData("GET", "https://secretmanager.europe-west1.rep.googleapis.com/v1/projects/p/locations/europe-west1/secrets", null, true)]
    [InlineData("GET", "https://secretmanager.googleapis.com/v1/projects/p/secrets/s/versions/latest:access", null, false)]
    [InlineData("GET", "https://secretmanager.googleapis.com/v1/projects/p/secrets/s/versions", null, false)]
    [InlineData("GET", "https://orders.vault.azure.net/secrets?api-version=7.5", null, false)]
    public void IsDiscovery_OnlyTheListingsThatRunPerDiscoveryInterval(string method, string uri, string? target, bool expected)
    {
        Assert.Equal(expected, HttpObservations.IsDiscovery(method, new Uri(uri), target));
    }

    [Fact]
    public void Skew_IsServerDateMinusTheExchangeMidpoint()
    {
        var sent = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        var skew = HttpObservations.Skew(sent.AddSeconds(91), sent, sent.AddSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(90), skew);
        Assert.Null(HttpObservations.Skew(null, sent, sent));
    }

    [Theory]
    [InlineData("ListSecrets", 100.0)]
    [InlineData("versions.access", 1500.0)]
    [InlineData("metadata", 10.0)]
    [InlineData("secrets", 400.0)]
    public void VendorQuotas_KnowsThePublishedRates(string operation, double perSecond)
    {
        Assert.Equal(perSecond, VendorQuotas.Of(operation));
    }

    [Fact]
    public void VendorQuotas_VaultHasNone() => Assert.Null(VendorQuotas.Of("LIST secret/"));
}
