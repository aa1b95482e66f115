namespace Secrets.Sdk.Http;

/// <summary>
/// What a call is for, as error messages name it: the operation (for example <c>GetSecretValue</c> or
/// <c>GET secret/data/app</c>) and, when one secret is concerned, its name.
/// </summary>
/// <param name="Name">The operation.</param>
/// <param name="SecretName">The secret concerned, if one is.</param>
public readonly record struct BackendOperation(string Name, string? SecretName = null)
{
    /// <summary>Returns the same operation for another secret (one item of a batch).</summary>
    /// <param name="secretName">The secret's name.</param>
    /// <returns>The operation naming <paramref name="secretName"/>.</returns>
    public BackendOperation ForSecret(string? secretName) => this with { SecretName = secretName };

    /// <summary>Returns "<c>Name</c>" or "<c>Name for secret 'x'</c>".</summary>
    /// <returns>The description used in error messages.</returns>
    public override string ToString() => SecretName is null ? Name : $"{Name} for secret '{SecretName}'";
}
