using System.Net;
using System.Text;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators.Tests;

public sealed class AwsEmulatorTests
{
    [Fact]
    public async Task CreatedAndRotatedSecret_ReachTheAwsBackend_ScheduledDeletionHidesIt()
    {
        await using var aws = new AwsEmulator();
        await aws.StartAsync();
        aws.CreateSecret("orders/Password", "v1");
        using var configuration = Build(aws);

        Assert.Equal("v1", configuration["Password"]);
        var version = aws.Rotate("orders/Password", "v2");
        Assert.True((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
        Assert.Equal("v2", configuration["Password"]);
        Assert.False(string.IsNullOrEmpty(version));
        aws.ScheduleDeletion("orders/Password");
        using var afterDelete = Build(aws);
        Assert.Null(afterDelete["Password"]);
    }

    [Fact]
    public async Task FaultPolicy_AnswersTheInjectedStatus_OnlyForTheChosenOperation()
    {
        await using var aws = new AwsEmulator();
        await aws.StartAsync();
        aws.Faults.Policy = request => request.Operation.EndsWith(".GetSecretValue", StringComparison.Ordinal) ? EmulatorFault.Unavailable() : null;
        using var http = new HttpClient();

        using var faulted = await http.SendAsync(Request(aws, "secretsmanager.GetSecretValue"));
        using var normal = await http.SendAsync(Request(aws, "secretsmanager.ListSecrets"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, normal.StatusCode); // the unsigned request is refused by SigV4 instead
        Assert.Equal(1, aws.Faults.Count(EmulatorFaultKind.Unavailable));
    }

    private static HttpRequestMessage Request(AwsEmulator aws, string target) =>
        new(HttpMethod.Post, aws.Address)
        {
            Headers = { { "X-Amz-Target", target } },
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };

    private static ConfigurationRoot Build(AwsEmulator aws) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecretsManager(secrets => secrets.AddAwsSecretsManager(options =>
            {
                options.Region = "us-east-1";
                options.NamePrefix = "orders/";
                options.ServiceUrl = aws.Address;
                options.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
                options.RefreshInterval = null;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                options.Resilience.CircuitBreakerEnabled = false;
            }))
            .Build();
}
