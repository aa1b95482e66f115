using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Encryption.Keys.Tests.Aws;

/// <summary>The AWS emulator (KMS) on loopback, for the KMS key tests.</summary>
internal sealed class AwsFixture : IAsyncDisposable
{
    private AwsFixture(AwsEmulator aws) => Aws = aws;

    public AwsEmulator Aws { get; }

    public static async Task<AwsFixture> StartAsync()
    {
        var fixture = new AwsFixture(new AwsEmulator());
        await fixture.Aws.StartAsync();
        return fixture;
    }

    public ValueTask DisposeAsync() => Aws.DisposeAsync();
}
