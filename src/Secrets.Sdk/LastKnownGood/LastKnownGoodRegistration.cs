namespace Secrets.Sdk;

/// <summary>Where the last-known-good cache of one <c>AddSecretsManager</c> call lives, and its settings.</summary>
/// <param name="Path">The cache file's full path.</param>
/// <param name="Options">The validated settings.</param>
internal sealed record LastKnownGoodRegistration(string Path, LastKnownGoodCacheOptions Options);
