namespace Secrets.Sdk.Files;

/// <summary>One consistent read of a mounted directory: every file's bytes, hash and resolved location.</summary>
internal sealed class MountedFileSnapshot
{
    public MountedFileSnapshot(IReadOnlyDictionary<string, MountedFile> files, string signature)
    {
        Files = files;
        Signature = signature;
    }

    /// <summary>Gets the files by relative name (with <c>/</c> separators).</summary>
    public IReadOnlyDictionary<string, MountedFile> Files { get; }

    /// <summary>Gets a hash over every name, resolved target and content hash: it changes whenever anything visible changes.</summary>
    public string Signature { get; }
}
