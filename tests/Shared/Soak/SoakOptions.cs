namespace Secrets.Sdk.Soak;

/// <summary>The options bound to the <c>Soak</c> section, watched through <c>IOptionsMonitor</c>.</summary>
internal sealed class SoakOptions
{
    public string? Rotating { get; set; }
}
