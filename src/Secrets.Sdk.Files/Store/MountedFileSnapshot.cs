namespace Secrets.Sdk.Files;

/// <summary>One consistent read of a mounted directory: every file's bytes, hash and resolved location, and what was skipped.</summary>
internal sealed class MountedFileSnapshot
{
    public MountedFileSnapshot(IReadOnlyDictionary<string, MountedFile> files, string signature, IReadOnlyList<SkippedEntry> skipped, int filesRead, ResolutionMemory memory)
    {
        Memory = memory;
        Files = files;
        Signature = signature;
        Skipped = skipped;
        FilesRead = filesRead;
    }

    /// <summary>Gets the files by relative name (with <c>/</c> separators).</summary>
    public IReadOnlyDictionary<string, MountedFile> Files { get; }

    /// <summary>Gets a hash over every name and content hash: it changes whenever any value changes.</summary>
    public string Signature { get; }

    /// <summary>Gets the entries that were deliberately not read (links leaving the mount, special files, loops).</summary>
    public IReadOnlyList<SkippedEntry> Skipped { get; }

    /// <summary>Gets the directory listings and link targets this read learned, so the next read skips them where unchanged.</summary>
    public ResolutionMemory Memory { get; }

    /// <summary>Gets how many files this read opened (the rest were unchanged since the previous read and reused).</summary>
    public int FilesRead { get; }
}
