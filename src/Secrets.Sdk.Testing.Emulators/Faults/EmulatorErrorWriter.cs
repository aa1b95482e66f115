using Microsoft.AspNetCore.Http;

namespace Secrets.Sdk.Testing.Emulators.Faults;

/// <summary>Writes a vendor-shaped error answer for an injected <see cref="EmulatorFaultKind.Throttled"/> or <see cref="EmulatorFaultKind.Unavailable"/> fault.</summary>
/// <param name="context">The request to answer.</param>
/// <param name="fault">The fault (kind and <c>Retry-After</c>).</param>
/// <returns>A task that completes when the answer is written.</returns>
internal delegate Task EmulatorErrorWriter(HttpContext context, EmulatorFault fault);
