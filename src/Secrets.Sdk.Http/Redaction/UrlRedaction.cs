using System.Text;

namespace Secrets.Sdk.Http;

/// <summary>
/// Makes URLs safe for logs and error messages: drops user-info (<c>https://user:pass@proxy</c>) and the fragment, and
/// replaces every query-string value with <c>***</c> (signed URLs and some APIs put tokens there). Scheme, host, port,
/// path and query parameter names stay, so the message still says where.
/// </summary>
public static class UrlRedaction
{
    /// <summary>The text that replaces a redacted value.</summary>
    public const string Mask = "***";

    /// <summary>Returns <paramref name="uri"/> without user-info, fragment or query values.</summary>
    /// <param name="uri">The URL; a relative one is redacted the same way.</param>
    /// <returns>The redacted URL, or an empty string for <see langword="null"/>.</returns>
    public static string Redact(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            return Redact(uri.OriginalString);
        }

        var builder = new StringBuilder(uri.Scheme.Length + uri.Host.Length + uri.AbsolutePath.Length + 16);
        builder.Append(uri.Scheme).Append("://").Append(uri.Host); // Host keeps IPv6 brackets and never holds user-info.
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port);
        }

        builder.Append(uri.AbsolutePath);
        AppendQuery(builder, uri.Query);
        return builder.ToString();
    }

    /// <summary>Redacts a URL given as text (for example a <c>Location</c> header); text that is not a URL is redacted as well as possible.</summary>
    /// <param name="url">The URL text.</param>
    /// <returns>The redacted URL.</returns>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return string.Empty;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return Redact(absolute);
        }

        // Relative or unparsable: cut the fragment, drop anything up to an '@' in the authority, mask query values.
        var text = url;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            text = text[..hash];
        }

        var question = text.IndexOf('?', StringComparison.Ordinal);
        var beforeQuery = question >= 0 ? text[..question] : text;
        var scheme = beforeQuery.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = scheme >= 0 ? scheme + 3 : (beforeQuery.StartsWith("//", StringComparison.Ordinal) ? 2 : -1);
        if (authorityStart >= 0)
        {
            var slash = beforeQuery.IndexOf('/', authorityStart);
            var authorityEnd = slash >= 0 ? slash : beforeQuery.Length;
            var at = beforeQuery.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
            if (at >= 0)
            {
                beforeQuery = beforeQuery[..authorityStart] + beforeQuery[(at + 1)..];
            }
        }

        var builder = new StringBuilder(beforeQuery);
        if (question >= 0)
        {
            AppendQuery(builder, text[question..]);
        }

        return builder.ToString();
    }

    private static void AppendQuery(StringBuilder builder, string query)
    {
        if (query.Length <= 1)
        {
            return;
        }

        builder.Append('?');
        var first = true;
        foreach (var pair in query[1..].Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            if (!first)
            {
                builder.Append('&');
            }

            first = false;
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            builder.Append(equals >= 0 ? pair[..equals] : pair).Append('=').Append(Mask);
        }
    }
}
