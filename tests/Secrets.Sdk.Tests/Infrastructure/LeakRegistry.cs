using System.Collections.Concurrent;

namespace Secrets.Sdk.Tests.Infrastructure;

/// <summary>Every log line and exception text the suite's scenarios produce, for the no-secret-in-output check.</summary>
internal static class LeakRegistry
{
    private static readonly ConcurrentQueue<string> Texts = new();

    public static IReadOnlyCollection<string> All => Texts.ToArray();

    public static void Record(string text) => Texts.Enqueue(text);
}
