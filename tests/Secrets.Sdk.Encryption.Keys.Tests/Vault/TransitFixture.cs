using Secrets.Sdk.Testing;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Encryption.Keys.Tests.Vault;

/// <summary>The Vault emulator (Transit, token auth) on loopback and a manual clock, for the Transit key tests.</summary>
internal sealed class TransitFixture : IAsyncDisposable
{
    private TransitFixture(VaultEmulator vault, ManualTimeProvider time)
    {
        Vault = vault;
        Time = time;
    }

    public VaultEmulator Vault { get; }

    public ManualTimeProvider Time { get; }

    public static async Task<TransitFixture> StartAsync()
    {
        var time = new ManualTimeProvider();
        var fixture = new TransitFixture(new VaultEmulator(time), time);
        await fixture.Vault.StartAsync();
        return fixture;
    }

    public ValueTask DisposeAsync() => Vault.DisposeAsync();
}
