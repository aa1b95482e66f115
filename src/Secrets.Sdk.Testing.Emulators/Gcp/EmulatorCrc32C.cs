namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// A table-driven CRC32C (Castagnoli, reflected polynomial 0x82F63B78), written independently of the client's
/// hardware-instruction version so the two check each other.
/// </summary>
internal static class EmulatorCrc32C
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
