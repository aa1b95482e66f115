namespace Secrets.Sdk.Encryption.Tests.Infrastructure;

internal static class TestKeks
{
    public static byte[] Key(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(seed + (i * 7))).ToArray();

    public static LocalKeyEncryptionKey Local(byte seed = 1, string id = "app-kek:v1") => new(Key(seed), id);
}
