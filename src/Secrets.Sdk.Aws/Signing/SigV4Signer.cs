using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk.Aws;

/// <summary>
/// AWS Signature Version 4 for the JSON-protocol requests this package makes (POST to "/", no query string).
/// Verified against AWS's published examples in unit tests.
/// </summary>
/// <remarks>https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html.</remarks>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (when present) and <c>Authorization</c> to the headers.</summary>
    public static void Sign(IDictionary<string, string> headers, string method, string path, string query, ReadOnlySpan<byte> body, AwsSigningCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        headers["x-amz-date"] = amzDate;
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            headers["x-amz-security-token"] = token;
        }

        var signed = headers.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
        var canonical = CanonicalRequest(method, path, query, headers, signed, Hex(SHA256.HashData(body)));
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var signature = Signature(credentials.SecretAccessKey, amzDate, region, service, canonical);
        headers["Authorization"] = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={string.Join(';', signed)}, Signature={signature}";
    }

    public static string CanonicalRequest(string method, string path, string query, IDictionary<string, string> headers, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var lookup = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(path).Append('\n').Append(query).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':').Append(CollapseSpaces(lookup[name])).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    public static string StringToSign(string amzDate, string region, string service, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{amzDate[..8]}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static string Signature(string secretAccessKey, string amzDate, string region, string service, string canonicalRequest)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, StringToSign(amzDate, region, service, canonicalRequest)));
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            previousSpace = c == ' ';
            builder.Append(c);
        }

        return builder.ToString();
    }
}
