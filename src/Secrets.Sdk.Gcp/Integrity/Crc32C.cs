using System.Buffers.Binary;
using System.Numerics;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Secret Manager and Cloud KMS put in their
/// <c>*Crc32c</c> fields. Runs on <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the SSE4.2 / ARMv8 CRC
/// instructions where the processor has them.
/// </summary>
/// <remarks>
/// Google's integrity guide: https://cloud.google.com/secret-manager/docs/data-integrity and
/// https://cloud.google.com/kms/docs/data-integrity-guidelines. The fields are int64 in the API but never exceed 2^32-1.
/// </remarks>
internal static class Crc32C
{
    /// <summary>Computes the CRC32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>Returns whether <paramref name="expected"/> (an int64 from the API) is the CRC32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="expected">The checksum the service sent.</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public static bool Matches(ReadOnlySpan<byte> data, long expected) => expected is >= 0 and <= uint.MaxValue && Compute(data) == (uint)expected;
}
