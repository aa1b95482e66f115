// Envelope encryption with the library API: encrypt a file under a key-encryption key (KEK), rotate the KEK, rewrap
// the file's data key under the new KEK (the body is not re-encrypted), retire the old KEK, decrypt.
//
//   dotnet run --project samples/Envelope            local KEK files in a temporary folder (no server needed)
//
// The same code takes any IKeyEncryptionKey: VaultTransitKeyEncryptionKey, AwsKmsKeyEncryptionKey,
// AzureKeyVaultKeyEncryptionKey or GcpKmsKeyEncryptionKey (packages Secrets.Sdk.Encryption.VaultTransit, .AwsKms,
// .AzureKeyVault, .GcpKms), or a KEK URI such as vault-transit:transit/orders or aws-kms:arn:aws:kms:... .
using System.Security.Cryptography;
using System.Text;
using Secrets.Sdk.Encryption;

var folder = Directory.CreateTempSubdirectory("secrets-envelope-");
try
{
    // 1. Two KEK files, as a mounted Kubernetes Secret would hold them (32 random bytes, base64); ids are fingerprints.
    var kekV1Path = Path.Combine(folder.FullName, "kek-v1");
    var kekV2Path = Path.Combine(folder.FullName, "kek-v2");
    await File.WriteAllTextAsync(kekV1Path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    await File.WriteAllTextAsync(kekV2Path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    using var kekV1 = LocalKeyEncryptionKey.FromFile(kekV1Path);
    using var kekV2 = LocalKeyEncryptionKey.FromFile(kekV2Path);
    Console.WriteLine($"1. KEKs {kekV1.KeyId} (current) and {kekV2.KeyId} (next), from key files");

    // 2. Encrypt a file, streaming (constant memory for any size), with a context bound as additional data.
    var plainPath = Path.Combine(folder.FullName, "orders.csv");
    var sealedPath = Path.Combine(folder.FullName, "orders.csv.enc");
    var lines = Enumerable.Range(1, 20_000).Select(i => $"{i},customer-{i % 97},{i * 3 % 1000}.00");
    await File.WriteAllLinesAsync(plainPath, ["order,customer,amount", .. lines]);
    var context = new Dictionary<string, string> { ["tenant"] = "acme", ["purpose"] = "orders-export" };
    using (var encryptor = new EnvelopeEncryptor(kekV1))
    {
        await using var input = File.OpenRead(plainPath);
        await using var output = File.Create(sealedPath);
        await encryptor.EncryptAsync(input, output, context);
    }

    Console.WriteLine($"2. Encrypted {new FileInfo(plainPath).Length:N0} bytes into {new FileInfo(sealedPath).Length:N0} bytes under {kekV1.KeyId}");

    // 3. Rotate: new data is sealed under v2 while v1 still opens old files (a key ring: the first wraps, all unwrap).
    using var ring = new EnvelopeEncryptor([kekV2, kekV1]);
    var note = await ring.EncryptAsync("written after the rotation"u8.ToArray(), context);
    Console.WriteLine($"3. Rotated: new messages are wrapped by {kekV2.KeyId}; {kekV1.KeyId} still unwraps old ones");

    // 4. Rewrap the file under v2: only the header (the wrapped data key) changes; the body bytes are kept.
    var sealedV1 = await File.ReadAllBytesAsync(sealedPath);
    var sealedV2 = await ring.RewrapAsync(sealedV1, kekV2);
    await File.WriteAllBytesAsync(sealedPath, sealedV2);
    var sameBody = SameTail(sealedV1, sealedV2, 4096);
    Console.WriteLine($"4. Rewrapped the file under {kekV2.KeyId}: {sealedV1.Length:N0} -> {sealedV2.Length:N0} bytes, body unchanged: {sameBody}");

    // 5. Retire v1: an encryptor that knows only v2 decrypts the rewrapped file; the context must match.
    using var onlyV2 = new EnvelopeEncryptor(kekV2);
    var openedPath = Path.Combine(folder.FullName, "orders.decrypted.csv");
    await using (var input = File.OpenRead(sealedPath))
    await using (var output = File.Create(openedPath))
    {
        await onlyV2.DecryptAsync(input, output, context);
    }

    var roundTrip = SameTail(await File.ReadAllBytesAsync(plainPath), await File.ReadAllBytesAsync(openedPath), int.MaxValue);
    var noteText = Encoding.UTF8.GetString(await onlyV2.DecryptAsync(note, context));
    Console.WriteLine($"5. With only {kekV2.KeyId}: file decrypted, identical to the original: {roundTrip}; the note reads \"{noteText}\"");

    var wrongContext = false;
    try
    {
        await onlyV2.DecryptAsync(note, new Dictionary<string, string> { ["tenant"] = "other", ["purpose"] = "orders-export" });
    }
    catch (EnvelopeException)
    {
        wrongContext = true;
    }

    Console.WriteLine($"6. The same message with another tenant in its context is refused: {wrongContext}");
    var ok = sameBody && roundTrip && wrongContext;
    Console.WriteLine(ok ? "Done: encrypted, rotated, rewrapped, decrypted with the new KEK alone." : "Unexpected: see above.");
    return ok ? 0 : 1;
}
finally
{
    folder.Delete(recursive: true);
}

// True when both arrays have the same length-limited tail (the whole arrays, for a limit past their length).
static bool SameTail(byte[] a, byte[] b, int length)
{
    var n = Math.Min(length, Math.Min(a.Length, b.Length));
    return (length != int.MaxValue || a.Length == b.Length) && a.AsSpan(a.Length - n).SequenceEqual(b.AsSpan(b.Length - n));
}
