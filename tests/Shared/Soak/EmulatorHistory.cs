using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Empties an emulator's request log (every <c>ConcurrentQueue&lt;string&gt;</c> field: the requests, Vault's
/// namespaces), which grows by one entry per request by design; a soak samples the heap right after, so what it
/// measures is the client side, not the emulator's memory of 100,000 cycles. The emulators offer no way to do this.
/// </summary>
internal static class EmulatorHistory
{
    public static void Clear<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.NonPublicFields)] T>(T emulator)
        where T : class
    {
        foreach (var field in typeof(T).GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (field.GetValue(emulator) is ConcurrentQueue<string> log)
            {
                log.Clear();
            }
        }
    }
}
