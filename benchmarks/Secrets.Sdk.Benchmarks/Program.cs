using BenchmarkDotNet.Running;
using Secrets.Sdk.Benchmarks.Caching;
using Secrets.Sdk.Benchmarks.Config;
using Secrets.Sdk.Benchmarks.Files;
using Secrets.Sdk.Benchmarks.Fleet;
using Secrets.Sdk.Benchmarks.Soak;

// Modes:
//   dotnet run -c Release --project benchmarks/Secrets.Sdk.Benchmarks -- --filter '*'   every benchmark (short job)
//   ... -- fleet          the fleet request-rate model (a simulation, not a timing)
//   ... -- singleflight   64 threads missing one SecretCache key: backend calls made
//   ... -- filesidle      process CPU of an idle 10,000-file mounted-files source over one minute
//   ... -- soak [files|vault|aws|azure|gcp] [--cycles N]   100,000 refresh cycles per backend in simulated time: growth checks
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
    case "soak":
        return await SoakCommand.RunAsync(args.Skip(1).ToArray(), Console.Out);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create());
        break;
}

return 0;
