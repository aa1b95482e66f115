namespace Secrets.Sdk.Testing.Emulators.Faults;

/// <summary>What a fault policy sees of a request.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, as sent.</param>
/// <param name="Operation">The emulator's name for the call (the same text its <c>Requests</c> list records).</param>
public readonly record struct EmulatorRequest(string Method, string Path, string Operation);
