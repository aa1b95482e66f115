namespace Secrets.Sdk;

/// <summary>A last-known-good cache file is not served; the message says why (never a value).</summary>
internal sealed class CacheFileRejectedException(string reason) : Exception(reason);
