using System.Text;

namespace Secrets.Sdk.Vault;

/// <summary>
/// Reads a credential file (a token, an AppRole secret id, a service-account JWT) at each login, never more than
/// <see cref="MaxBytes"/>: a wrong path pointing at a huge or endless file fails with a message naming the file.
/// </summary>
internal static class CredentialFile
{
    /// <summary>The largest credential file read: 64 KiB (service-account tokens are a few KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Returns the file's text, trimmed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What it holds, for messages (for example "token file").</param>
    /// <exception cref="SecretStoreException">The file cannot be read (<see cref="SecretErrorKind.Unavailable"/>) or is larger than <see cref="MaxBytes"/>.</exception>
    public static string ReadText(string path, string what)
    {
        var buffer = new byte[MaxBytes + 1];
        var filled = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); // at most one byte past the cap
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreException($"The Vault {what} '{path}' cannot be read ({ex.GetType().Name}).", SecretErrorKind.Unavailable, innerException: ex);
        }

        if (filled > MaxBytes)
        {
            throw new SecretStoreException($"The Vault {what} '{path}' is larger than {MaxBytes} bytes; it is not a credential file.", SecretErrorKind.InvalidRequest);
        }

        return Encoding.UTF8.GetString(buffer, 0, filled).Trim();
    }
}
