namespace Secrets.Sdk.Soak;

/// <summary>One growth check of a soak run: a metric at the start and the end of the compared span, and the bound it must stay within.</summary>
internal sealed record SoakCheck(string Metric, string First, string Last, string Bound, bool Passed)
{
    public string Verdict => Passed ? "PASS" : "FAIL";
}
