using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Secrets.Sdk.Files.Tests;

/// <summary>Creates the special files a hostile or careless mount may contain, for real, in a temporary directory.</summary>
internal static partial class HostileFiles
{
    /// <summary>Creates a named pipe (FIFO) with mkfifo(3); nothing ever writes to it, so opening it for reading would block forever.</summary>
    public static void CreateFifo(string path)
    {
        if (MakeFifo(path, 0x180 /* 0600 */) != 0)
        {
            throw new IOException($"mkfifo '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Creates a Unix domain socket file by binding a listening socket; dispose the socket afterwards.</summary>
    public static Socket CreateSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>Sets a file's modification time well in the past, so a poll can trust its status (not "racily" recent).</summary>
    public static void Age(string path) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);
}
