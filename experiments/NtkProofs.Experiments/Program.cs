using NtkProofs.Experiments.Cli;

return CliRunner.Run(args);
