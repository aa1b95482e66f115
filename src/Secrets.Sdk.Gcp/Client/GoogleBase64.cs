namespace Secrets.Sdk.Gcp;

/// <summary>
/// Decodes the <c>bytes</c> fields of Google's JSON mapping, which are standard base64 with padding when the service writes
/// them but, per the protobuf JSON mapping, may be URL-safe and/or unpadded when read.
/// </summary>
/// <remarks>https://protobuf.dev/programming-guides/json/ (bytes).</remarks>
internal static class GoogleBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        var normalized = text.Contains('-', StringComparison.Ordinal) || text.Contains('_', StringComparison.Ordinal)
            ? text.Replace('-', '+').Replace('_', '/')
            : text;
        var remainder = normalized.Length % 4;
        if (remainder == 1)
        {
            bytes = [];
            return false;
        }

        if (remainder != 0)
        {
            normalized += new string('=', 4 - remainder);
        }

        bytes = new byte[normalized.Length / 4 * 3];
        if (Convert.TryFromBase64String(normalized, bytes, out var written))
        {
            if (written != bytes.Length)
            {
                bytes = bytes.AsSpan(0, written).ToArray();
            }

            return true;
        }

        bytes = [];
        return false;
    }
}
