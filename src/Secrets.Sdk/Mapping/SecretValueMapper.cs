using System.Text.Json;

namespace Secrets.Sdk;

/// <summary>
/// Turns one secret into configuration entries: maps its name to a key (mapper, prefix, section) and flattens a
/// JSON object or array value into child keys. Never puts a value into an error message.
/// </summary>
internal static class SecretValueMapper
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>Computes the configuration key of a secret, or null when the secret is skipped.</summary>
    public static string? MapKey(SecretMetadata metadata, SecretSourceOptions options)
    {
        var mapped = options.KeyMapper.GetKey(metadata);
        if (mapped is null)
        {
            return null;
        }

        // An empty key places a JSON object's fields at the root (or directly under Section).
        var key = SecretKeyMapper.NormalizeKey(mapped) ?? string.Empty;

        if (!string.IsNullOrEmpty(options.KeyPrefix) && key.Length > 0)
        {
            var prefix = SecretKeyMapper.NormalizeKey(options.KeyPrefix.Replace("__", ":", StringComparison.Ordinal));
            if (prefix is not null)
            {
                if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && key[prefix.Length] == ':')
                {
                    key = key[(prefix.Length + 1)..];
                }
                else
                {
                    return null;
                }
            }
        }

        if (!string.IsNullOrEmpty(options.Section))
        {
            var section = SecretKeyMapper.NormalizeKey(options.Section);
            key = section is null ? key : key.Length == 0 ? section : section + ":" + key;
        }

        return key;
    }

    /// <summary>Produces the entries of a secret under <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">
    /// The value does not match what it declares (JSON that does not parse, base64 that does not decode) or a root key
    /// holds no JSON object. The message gives the reason and a position, never the value.
    /// </exception>
    public static KeyValuePair<string, string?>[] Map(string key, Secret secret, SecretSourceOptions options)
    {
        var value = secret.Value;
        var contentType = secret.Metadata.ContentType;
        if (contentType is not null && contentType.Contains("base64", StringComparison.OrdinalIgnoreCase))
        {
            return [new(RequireKey(key), CanonicalBase64(value))];
        }

        if (!value.IsText && !LooksLikeUtf8Text(value.Span))
        {
            return [new(RequireKey(key), Convert.ToBase64String(value.Span))];
        }

        var declaredJson = contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        if (options.FlattenJson && (declaredJson || StartsLikeJsonContainer(value.Span)))
        {
            try
            {
                using var document = JsonDocument.Parse(value.Memory, DocumentOptions);
                if (document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    var entries = new List<KeyValuePair<string, string?>>();
                    Flatten(document.RootElement, key, entries);
                    return [.. entries];
                }
            }
            catch (JsonException ex) when (declaredJson)
            {
                // The exception's own message may quote the input; only the position is safe to report.
                throw new FormatException($"it is declared as JSON but is not valid JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0})");
            }
            catch (JsonException)
            {
                // Not declared as JSON: a value that merely starts with '{' (a password, say) is plain text.
            }
        }

        return [new(RequireKey(key), value.GetText())];
    }

    private static string RequireKey(string key) =>
        key.Length > 0 ? key : throw new FormatException("it maps to the configuration root, so its value must be a JSON object");

    private static string CanonicalBase64(SecretValue value)
    {
        var text = value.Span.Trim(" \t\r\n"u8);
        var decoded = new byte[(text.Length * 3 / 4) + 3];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(text, decoded, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != text.Length)
        {
            throw new FormatException($"it is declared as base64 but is not valid base64 (byte {consumed})");
        }

        var canonical = Convert.ToBase64String(decoded.AsSpan(0, written));
        Array.Clear(decoded);
        return canonical;
    }

    private static void Flatten(JsonElement element, string path, List<KeyValuePair<string, string?>> entries)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Length == 0)
                    {
                        continue;
                    }

                    any = true;
                    Flatten(property.Value, Child(path, property.Name), entries);
                }

                if (!any && path.Length > 0)
                {
                    entries.Add(new(path, null));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, Child(path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), entries);
                    index++;
                }

                if (index == 0 && path.Length > 0)
                {
                    entries.Add(new(path, null));
                }

                break;
            case JsonValueKind.Null:
                entries.Add(new(path, null));
                break;
            case JsonValueKind.String:
                entries.Add(new(path, element.GetString()));
                break;
            default:
                entries.Add(new(path, element.GetRawText()));
                break;
        }
    }

    private static string Child(string path, string name) => path.Length == 0 ? name : path + ":" + name;

    private static bool StartsLikeJsonContainer(ReadOnlySpan<byte> bytes)
    {
        var trimmed = bytes.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 1 && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'[');
    }

    private static bool LooksLikeUtf8Text(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        return System.Text.Unicode.Utf8.IsValid(bytes);
    }
}
