namespace Secrets.Sdk;

/// <summary>One problem in the secret sources declared in configuration. Never carries a configured value.</summary>
public sealed class SecretsConfigurationProblem
{
    /// <summary>Creates a problem.</summary>
    /// <param name="path">The configuration path of the setting (for example <c>SecretsManager:Sources:2:Type</c>).</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public SecretsConfigurationProblem(string path, string message)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(message);
        Path = path;
        Message = message;
    }

    /// <summary>Gets the configuration path of the setting the problem is about.</summary>
    public string Path { get; }

    /// <summary>Gets what is wrong and how to fix it.</summary>
    public string Message { get; }

    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
