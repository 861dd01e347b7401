namespace NtkProofs.Experiments.Sweeps;

/// <summary>Run-wide settings passed to every <see cref="IExperiment.Run"/> call.</summary>
/// <param name="MasterSeed">The sweep's master seed (from the config).</param>
/// <param name="Device">"cpu" or "cuda".</param>
/// <param name="Cancellation">Cancelled when the user interrupts the sweep.</param>
public sealed record ExperimentContext(long MasterSeed, string Device = "cpu", CancellationToken Cancellation = default);
