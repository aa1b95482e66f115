using System.Net;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators.Tests;

public sealed class GcpEmulatorTests
{
    [Fact]
    public async Task CreatedSecretAndAddedVersion_ReachTheGcpBackend_DeleteSecretHidesIt()
    {
        await using var gcp = new GcpEmulator();
        await gcp.StartAsync();
        gcp.CreateSecret("Orders__Password", "v1");
        using var configuration = Build(gcp);

        Assert.Equal("v1", configuration["Orders:Password"]);
        Assert.Equal(2, gcp.AddVersion("Orders__Password", "v2"));
        Assert.True((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
        Assert.Equal("v2", configuration["Orders:Password"]);
        gcp.DeleteSecret("Orders__Password");
        using var afterDelete = Build(gcp);
        Assert.Null(afterDelete["Orders:Password"]);
    }

    [Fact]
    public async Task FaultPolicy_AnswersTheInjectedStatus_AndCountsIt()
    {
        await using var gcp = new GcpEmulator();
        await gcp.StartAsync();
        gcp.Faults.Policy = _ => EmulatorFault.Unavailable();
        using var http = new HttpClient();

        using var answer = await http.GetAsync(new Uri(gcp.Address, $"v1/projects/{GcpEmulator.ProjectId}/secrets"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(1, gcp.Faults.Count(EmulatorFaultKind.Unavailable));
        Assert.Equal(1L, gcp.Faults.Handled);
    }

    private static ConfigurationRoot Build(GcpEmulator gcp) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecretsManager(secrets => secrets.AddGcpSecretManager(options =>
            {
                options.ProjectId = GcpEmulator.ProjectId;
                options.Endpoint = gcp.Address;
                options.Credential = GcpCredential.FromAccessToken(GcpEmulator.Token);
                options.RefreshInterval = null;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                options.Resilience.CircuitBreakerEnabled = false;
            }))
            .Build();
}
