using System.Text.Json;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// Reads a Google credential file (JSON) of at most <see cref="MaxBytes"/>: a wrong path pointing at a large or endless
/// file fails naming the file, and no error ever quotes the file's content.
/// </summary>
internal static class CredentialFileReader
{
    /// <summary>The largest credential file read: 64 KiB (a service-account key file is about 2.3 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Reads and parses the file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="origin">Where the path came from, for messages (for example <c>GOOGLE_APPLICATION_CREDENTIALS</c>).</param>
    /// <returns>Its fields.</returns>
    /// <exception cref="SecretStoreException">The file cannot be read, is too large, or is not a JSON object.</exception>
    public static CredentialFileJson Read(string path, string origin)
    {
        var buffer = new byte[MaxBytes + 1];
        var filled = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); // at most one byte past the cap
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var kind = ex is FileNotFoundException or DirectoryNotFoundException ? SecretErrorKind.InvalidRequest : SecretErrorKind.Unavailable;
            throw Error($"the credential file '{path}' ({origin}) cannot be read ({ex.GetType().Name})", kind, ex);
        }

        try
        {
            if (filled > MaxBytes)
            {
                throw Error($"the credential file '{path}' ({origin}) is larger than {MaxBytes} bytes; it is not a Google credential file", SecretErrorKind.InvalidRequest);
            }

            try
            {
                return JsonSerializer.Deserialize(buffer.AsSpan(0, filled), GcpAuthJsonContext.Default.CredentialFileJson)
                    ?? throw Error($"the credential file '{path}' ({origin}) holds JSON null, not a credential", SecretErrorKind.InvalidRequest);
            }
            catch (JsonException ex)
            {
                // The parser's own message can quote the file (a private key); only the position is reported.
                throw Error($"the credential file '{path}' ({origin}) is not valid JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0})", SecretErrorKind.InvalidRequest, ex);
            }
        }
        finally
        {
            Array.Clear(buffer);
        }
    }

    /// <summary>Creates the error for a credential problem: non-transient, naming the credential, never its content.</summary>
    public static SecretStoreException Error(string detail, SecretErrorKind kind = SecretErrorKind.InvalidRequest, Exception? inner = null) =>
        new($"GCP credentials: {detail}.", kind, GcpCredential.ServiceName, innerException: inner is JsonException ? null : inner);
}
