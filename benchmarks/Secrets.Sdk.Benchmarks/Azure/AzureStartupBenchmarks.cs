using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Benchmarks.Azure;

/// <summary>
/// Startup load of 1,000 secrets from the Key Vault emulator (HTTPS, challenge auth) with 20 ms per request, through the
/// real <see cref="SecretClient"/>. Key Vault lists at most 25 secrets per page and has no batch read, so every plan is
/// one challenge round trip (a new client's first request carries no token), 40 sequential list pages, then 1,000 single
/// reads. Baseline: Azure's own provider strategy
/// (Azure.Extensions.AspNetCore.Configuration.Secrets: list everything, then GET 32 at a time) over the same client.
/// Latency floor of that plan: (1 + 40 + ⌈1000/32⌉) × 20 ms = 1.46 s. Calls per no-change refresh are printed at cleanup.
/// </summary>
public class AzureStartupBenchmarks
{
    private const int Secrets = 1000;
    private const int LatencyMs = 20;
    private const int Concurrency = 32;
    private const int PageSize = 25;
    private AzureKeyVaultEmulator _vault = null!;
    private HttpClient _http = null!;
    private HttpClientTransport _transport = null!;
    private StaticToken _credential = null!;

    [GlobalSetup]
    public void Setup()
    {
        _vault = new AzureKeyVaultEmulator();
        _vault.StartAsync().GetAwaiter().GetResult();
        for (var i = 0; i < Secrets; i++)
        {
            _vault.SetSecret($"app-S{i:D4}", i.ToString(CultureInfo.InvariantCulture));
        }

        _http = new HttpClient(EmulatorCertificate.TrustingHandler(_vault.Certificate));
        _transport = new HttpClientTransport(_http);
        _credential = new StaticToken();
        _vault.Latency = TimeSpan.FromMilliseconds(LatencyMs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var config = Load();
        var lists = _vault.Count("list");
        var gets = _vault.Count("get");
        config.GetSecretsManager().RefreshAsync().GetAwaiter().GetResult();
        Console.WriteLine($"// Azure no-change refresh of {Secrets} secrets: list pages {_vault.Count("list") - lists}, value reads {_vault.Count("get") - gets}");
        ((IDisposable)config).Dispose();
        _vault.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http.Dispose();
    }

    [Benchmark(Description = "latency floor: (1 challenge + 40 list pages + 1000/32 read rounds) x 20 ms")]
    public Task Floor() => Task.Delay(TimeSpan.FromMilliseconds((1 + (Secrets / PageSize) + Math.Ceiling(Secrets / (double)Concurrency)) * LatencyMs));

    [Benchmark(Baseline = true, Description = "Azure provider strategy: list, then 32 parallel unbatched GETs")]
    public async Task<string> AzureProviderStyle()
    {
        var client = new SecretClient(_vault.VaultUri, _credential, ClientOptions());
        var names = new List<string>();
        await foreach (var properties in client.GetPropertiesOfSecretsAsync())
        {
            if (properties.Enabled == true)
            {
                names.Add(properties.Name);
            }
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var gate = new SemaphoreSlim(Concurrency);
        var reads = names.Select(async name =>
        {
            await gate.WaitAsync();
            try
            {
                var secret = (await client.GetSecretAsync(name)).Value;
                lock (values)
                {
                    values[secret.Name.Replace("--", ":", StringComparison.Ordinal)] = secret.Value;
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(reads);
        return values["app-S0999"];
    }

    [Benchmark(Description = "AddAzureKeyVault load of 1,000 secrets")]
    public string Load1000()
    {
        var config = Load();
        var value = config["S0999"] ?? throw new InvalidOperationException("The last secret was not loaded.");
        ((IDisposable)config).Dispose();
        return value;
    }

    private SecretClientOptions ClientOptions()
    {
        var options = new SecretClientOptions { Transport = _transport, DisableChallengeResourceVerification = true };
        options.Retry.MaxRetries = 0;
        return options;
    }

    private IConfigurationRoot Load() =>
        new ConfigurationBuilder().AddSecretsManager(s => s.AddAzureKeyVault(_vault.VaultUri, _credential, o =>
        {
            o.ClientOptions.Transport = _transport;
            o.ClientOptions.DisableChallengeResourceVerification = true;
            o.RefreshInterval = null;
            o.NamePrefix = "app-";
        })).Build();

    /// <summary>The emulator's fixed token.</summary>
    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(AzureKeyVaultEmulator.AccessToken, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
