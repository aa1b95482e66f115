namespace Secrets.Sdk.Files;

/// <summary>An entry of the mount that was looked at and deliberately not read.</summary>
/// <param name="Name">The path relative to the mount, with <c>/</c> separators.</param>
/// <param name="Reason">Why it was skipped.</param>
/// <param name="Detail">What it is or where it leads (a file kind, a resolved target), never content.</param>
internal sealed record SkippedEntry(string Name, SkipReason Reason, string Detail);
