namespace Secrets.Sdk.Gcp;

/// <summary>Tags the GCP Secret Manager store puts on <see cref="SecretMetadata"/>.</summary>
public static class GcpTags
{
    /// <summary>The configuration key of an explicitly named secret (its section, or its id with <c>__</c> as <c>:</c>).</summary>
    public const string ConfigurationKey = "gcp.configuration-key";

    /// <summary>The secret id (the last segment of <c>projects/*/secrets/{id}</c>).</summary>
    public const string SecretId = "gcp.secret-id";

    /// <summary>The version asked for: <c>latest</c>, a number or an alias.</summary>
    public const string RequestedVersion = "gcp.version";

    /// <summary>The prefix of the secret's labels (<c>label:env</c> holds the value of the <c>env</c> label).</summary>
    public const string LabelPrefix = "label:";
}
