using System.Security.Cryptography;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>One secret with its versions, oldest first; the last one is current.</summary>
internal sealed class StoredSecret(string name)
{
    public string Name { get; } = name;

    public List<StoredSecretVersion> Versions { get; } = [];

    public StoredSecretVersion Current => Versions[^1];
}

/// <summary>One secret version and its attributes (unix seconds on the wire).</summary>
internal sealed class StoredSecretVersion(string id, string value, long created)
{
    public string Id { get; } = id;

    public string Value { get; } = value;

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public bool Enabled { get; set; } = true;

    public long? NotBefore { get; set; }

    public long? Expires { get; set; }

    public long Created { get; } = created;

    public long Updated { get; set; } = created;
}

/// <summary>One RSA key with its versions, oldest first; the last one is current.</summary>
internal sealed class StoredKey(string name)
{
    public string Name { get; } = name;

    public List<StoredKeyVersion> Versions { get; } = [];
}

/// <summary>One key version: a real RSA key pair.</summary>
internal sealed class StoredKeyVersion(string id, RSA rsa)
{
    public string Id { get; } = id;

    public RSA Rsa { get; } = rsa;

    public bool Enabled { get; set; } = true;
}
