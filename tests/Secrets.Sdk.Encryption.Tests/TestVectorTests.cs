using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Sdk.Encryption.Tests;

/// <summary>
/// The committed vectors in TestVectors/ must keep decrypting, and re-encrypting them with the same "randomness" must
/// give the same bytes (the format is stable). Regenerate only for a new format version:
/// <c>SECRETS_SDK_WRITE_VECTORS=tests/Secrets.Sdk.Encryption.Tests/TestVectors dotnet test --filter TestVectorTests</c>.
/// </summary>
public sealed class TestVectorTests
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static TheoryData<string> VectorFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestVectors"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public async Task Vector_Decrypts_AndReEncryptsToTheSameBytes(string file)
    {
        var vector = JsonSerializer.Deserialize<Vector>(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestVectors", file)), Json)!;
        var message = Convert.FromHexString(vector.Message);

        using (var reader = new EnvelopeEncryptor(Kek(vector)))
        {
            Assert.Equal(Convert.FromHexString(vector.Plaintext), await reader.DecryptAsync(message, vector.Context));
        }

        Assert.Equal(vector.Message, Convert.ToHexString(await EncryptDeterministicallyAsync(vector)));
    }

    [Fact]
    public async Task WriteVectors_WhenAsked()
    {
        var directory = Environment.GetEnvironmentVariable("SECRETS_SDK_WRITE_VECTORS");
        var vectors = new[]
        {
            NewVector("aes-256-gcm-empty", "Empty plaintext: one final frame of 0 bytes.", EnvelopeSuite.Aes256Gcm, 64, [], new()),
            NewVector("aes-256-gcm-three-frames", "150 bytes in 64-byte frames: two regular frames and a 22-byte final frame; two context entries.", EnvelopeSuite.Aes256Gcm, 64, Enumerable.Range(0, 150).Select(i => (byte)i).ToArray(), new() { ["tenant"] = "orders", ["purpose"] = "vectors" }),
            NewVector("chacha20-poly1305-exact-frames", "128 bytes in 64-byte frames: one regular frame and a full 64-byte final frame.", EnvelopeSuite.ChaCha20Poly1305, 64, Enumerable.Range(0, 128).Select(i => (byte)(255 - i)).ToArray(), new() { ["a"] = "1" }),
        };
        foreach (var vector in vectors)
        {
            var sealedMessage = await EncryptDeterministicallyAsync(vector);
            Assert.Equal(Convert.FromHexString(vector.Plaintext), await new EnvelopeEncryptor(Kek(vector)).DecryptAsync(sealedMessage, vector.Context));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
                var complete = vector with { Message = Convert.ToHexString(sealedMessage) };
                await File.WriteAllTextAsync(Path.Combine(directory, vector.Name + ".json"), JsonSerializer.Serialize(complete, Json) + "\n");
            }
        }
    }

    private static Vector NewVector(string name, string description, EnvelopeSuite suite, int frameSize, byte[] plaintext, Dictionary<string, string> context) =>
        new(name, description, (int)suite, frameSize, "vector-kek:v1", Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)(0xA0 ^ i)).ToArray()), context, Convert.ToHexString(plaintext), string.Empty);

    private static LocalKeyEncryptionKey Kek(Vector vector) => new(Convert.FromHexString(vector.KekKey), vector.KekKeyId);

    private static async Task<byte[]> EncryptDeterministicallyAsync(Vector vector)
    {
        var kek = Kek(vector);
        kek.RandomFill = Counter(0x11);
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { Suite = (EnvelopeSuite)vector.Suite, FrameSize = vector.FrameSize });
        encryptor.RandomFill = Counter(0x77);
        return await encryptor.EncryptAsync(Convert.FromHexString(vector.Plaintext), vector.Context);
    }

    /// <summary>Deterministic "randomness" for vectors only: bytes seed, seed+1, ... across calls.</summary>
    private static RandomFiller Counter(byte seed)
    {
        var next = seed;
        return destination =>
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = next++;
            }
        };
    }

    public sealed record Vector(
        string Name,
        string Description,
        int Suite,
        int FrameSize,
        string KekKeyId,
        string KekKey,
        Dictionary<string, string> Context,
        string Plaintext,
        string Message);
}
