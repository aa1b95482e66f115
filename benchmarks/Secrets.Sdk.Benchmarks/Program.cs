using BenchmarkDotNet.Running;
using Secrets.Sdk.Benchmarks.Caching;
using Secrets.Sdk.Benchmarks.Config;
using Secrets.Sdk.Benchmarks.Files;
using Secrets.Sdk.Benchmarks.Fleet;

// Modes:
//   dotnet run -c Release --project benchmarks/Secrets.Sdk.Benchmarks -- --filter '*'   every benchmark (short job)
//   ... -- fleet          the fleet request-rate model (a simulation, not a timing)
//   ... -- singleflight   64 threads missing one SecretCache key: backend calls made
//   ... -- filesidle      process CPU of an idle 10,000-file mounted-files source over one minute
switch (args.FirstOrDefault())
{
    case "fleet":
        FleetModel.Run(Console.Out);
        break;
    case "singleflight":
        await SingleFlightCheck.RunAsync(Console.Out);
        break;
    case "filesidle":
        await MountedFilesIdleCpu.RunAsync(Console.Out);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create());
        break;
}
