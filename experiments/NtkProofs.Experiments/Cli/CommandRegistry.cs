using NtkProofs.Experiments.Commands;

namespace NtkProofs.Experiments.Cli;

/// <summary>The list of top-level commands, in the order <c>--help</c> shows them.</summary>
public static class CommandRegistry
{
    /// <summary>All commands.</summary>
    public static IReadOnlyList<ICliCommand> All { get; } =
    [
        new ReportCommand(),
        new LemmasCommand(),
        new KernelCommand(),
        new BenchCommand(),
        new SweepCommand(),
        new MergeCommand(),
        new DeviceCommand(),
        new SlurmCommand(),
        new FinetuneCommand(),
        new CheckAdapterCommand(),
        new AttentionCommand(),
        new NtkBoundCommand(),
        new NtkTrainCommand(),
    ];
}
