namespace Secrets.Sdk.Gcp;

/// <summary>
/// Secret Manager resource names: <c>projects/{project}[/locations/{location}]/secrets/{secret}[/versions/{version}]</c>.
/// Requests may name the project by id, but the service answers with the project <em>number</em>, so a name in a response
/// matches when its project segment is either.
/// </summary>
/// <remarks>https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets#Secret (field <c>name</c>).</remarks>
internal static class GcpResourceNames
{
    /// <summary>Throws unless <paramref name="secretId"/> is a valid secret id: 1 to 255 of <c>[A-Za-z0-9_-]</c>.</summary>
    public static void ValidateSecretId(string secretId, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId, parameter);
        if (secretId.Length > 255 || !secretId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"Secret id '{secretId}' is invalid: use 1 to 255 letters, digits, '_' or '-'.", parameter);
        }
    }

    /// <summary>Throws unless <paramref name="version"/> is <c>latest</c>, a positive number or an alias.</summary>
    public static void ValidateVersion(string version, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(version, parameter);
        if (version.Length > 63 || !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') || version == "0")
        {
            throw new ArgumentException($"Version '{version}' is invalid: use 'latest', a version number or an alias.", parameter);
        }
    }

    /// <summary>Throws unless <paramref name="segment"/> can be one path segment (a project id or a location).</summary>
    public static void ValidateSegment(string segment, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment, parameter);
        if (!segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            throw new ArgumentException($"'{segment}' is not a valid {parameter}: use letters, digits, '-', '_', '.' or ':'.", parameter);
        }
    }

    /// <summary>The parent of secrets: <c>projects/{project}</c> or <c>projects/{project}/locations/{location}</c>.</summary>
    public static string Parent(string project, string? location) =>
        location is null ? $"projects/{project}" : $"projects/{project}/locations/{location}";

    /// <summary>Parses a secret or secret version name from a response.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parsed">Its parts.</param>
    /// <returns><see langword="false"/> when it is not a secret (version) name.</returns>
    public static bool TryParse(string? name, out ParsedName parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var parts = name.Split('/');
        if (parts.Length < 4 || parts[0] != "projects" || parts[1].Length == 0)
        {
            return false;
        }

        var i = 2;
        string? location = null;
        if (parts[i] == "locations")
        {
            if (parts.Length < 6 || parts[3].Length == 0)
            {
                return false;
            }

            location = parts[3];
            i = 4;
        }

        if (parts[i] != "secrets" || parts[i + 1].Length == 0)
        {
            return false;
        }

        string? version = null;
        if (parts.Length == i + 4 && parts[i + 2] == "versions" && parts[i + 3].Length > 0)
        {
            version = parts[i + 3];
        }
        else if (parts.Length != i + 2)
        {
            return false;
        }

        parsed = new ParsedName(parts[1], location, parts[i + 1], version);
        return true;
    }

    /// <summary>The parts of a secret (version) name.</summary>
    /// <param name="Project">The project id or number as the service wrote it.</param>
    /// <param name="Location">The location of a regional secret.</param>
    /// <param name="SecretId">The secret id.</param>
    /// <param name="Version">The version number, when the name is a version's.</param>
    internal readonly record struct ParsedName(string Project, string? Location, string SecretId, string? Version);
}
