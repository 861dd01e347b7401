using System.CommandLine;

namespace NtkProofs.Experiments.Cli;

/// <summary>One top-level command of the <c>ntkproofs</c> CLI. Each command lives in its own file under Commands/.</summary>
public interface ICliCommand
{
    /// <summary>Builds the System.CommandLine command with its options and action.</summary>
    Command Build();
}
