using Secrets.Sdk.Cli;

return await SecretsCommandLine.RunAsync(args, CliConsole.FromProcess()).ConfigureAwait(false);
