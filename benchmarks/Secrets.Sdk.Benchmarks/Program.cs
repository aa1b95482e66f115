using BenchmarkDotNet.Running;
using Secrets.Sdk.Benchmarks.Caching;
using Secrets.Sdk.Benchmarks.Config;
using Secrets.Sdk.Benchmarks.Fleet;

// Modes:
//   dotnet run -c Release --project benchmarks/Secrets.Sdk.Benchmarks -- --filter '*'   every benchmark (short job)
//   ... -- fleet          the fleet request-rate model (a simulation, not a timing)
//   ... -- singleflight   64 threads missing one SecretCache key: backend calls made
switch (args.FirstOrDefault())
{
    case "fleet":
        FleetModel.Run(Console.Out);
        break;
    case "singleflight":
        await SingleFlightCheck.RunAsync(Console.Out);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create());
        break;
}
