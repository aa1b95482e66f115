using System.Text;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Gcp.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void GooglesPublishedVector_YQo_Is163439259()
    {
        // https://cloud.google.com/secret-manager/docs/data-integrity: data "YQo=" (the bytes "a\n") has CRC32C 163439259.
        var data = Convert.FromBase64String("YQo=");

        Assert.Equal(163439259u, Crc32C.Compute(data));
        Assert.True(Crc32C.Matches(data, 163439259L));
        Assert.False(Crc32C.Matches(data, 163439258L));
        Assert.False(Crc32C.Matches(data, -1L));
    }

    [Fact]
    public void StandardCheckValue_AndEveryLength_AgreeWithTheTableImplementation()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8)); // the CRC-32C catalogue check value
        Assert.Equal(0u, Crc32C.Compute([]));
        var bytes = Encoding.UTF8.GetBytes(new string('x', 100) + "tail-bytes");
        for (var length = 0; length <= bytes.Length; length++)
        {
            Assert.Equal(EmulatorCrc32C.Compute(bytes.AsSpan(0, length)), Crc32C.Compute(bytes.AsSpan(0, length)));
        }
    }
}
