namespace Secrets.Sdk.Files;

/// <summary>How a bounded read of one file ended.</summary>
internal enum BoundedReadOutcome
{
    /// <summary>The whole file was read, within the limit.</summary>
    Read = 0,

    /// <summary>More than the limit was available; only limit + 1 bytes were read and they were discarded.</summary>
    TooLarge,

    /// <summary>The path no longer exists.</summary>
    Missing,

    /// <summary>The process may not read the file.</summary>
    AccessDenied,

    /// <summary>The path opened is not the file that was looked at (replaced in between, or not a regular file any more).</summary>
    Replaced,
}
