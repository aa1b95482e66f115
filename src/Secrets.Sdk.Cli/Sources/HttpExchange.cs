namespace Secrets.Sdk.Cli;

/// <summary>One HTTP request a source made while the CLI watched.</summary>
/// <param name="Operation">The backend operation it counts against (e.g. <c>ListSecrets</c>, <c>versions.access</c>).</param>
/// <param name="Status">The HTTP status, or <see langword="null"/> when no answer came (refused, timed out).</param>
/// <param name="Latency">From sending to the answer's headers.</param>
/// <param name="ClockSkew">The server's <c>Date</c> minus the local clock at the midpoint of the exchange, when the answer had one.</param>
/// <param name="IsDiscovery">Whether it is a discovery listing that runs once per discovery interval, not on every refresh (AWS <c>ListSecrets</c>, GCP <c>secrets.list</c>).</param>
internal sealed record HttpExchange(string Operation, int? Status, TimeSpan Latency, TimeSpan? ClockSkew, bool IsDiscovery = false);
