using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>Run-wide settings passed to every <see cref="IExperiment.Run"/> call.</summary>
/// <param name="MasterSeed">The sweep's master seed (from the config).</param>
/// <param name="Device">"cpu", "cuda" or "cuda:N" (see <see cref="DevicePlacement.Parse"/>).</param>
/// <param name="Cancellation">Cancelled when the user interrupts the sweep.</param>
public sealed record ExperimentContext(long MasterSeed, string Device = "cpu", CancellationToken Cancellation = default)
{
    /// <summary>The placement every tensor of the run is created on (parsed from <see cref="Device"/>).</summary>
    public DevicePlacement Placement => DevicePlacement.Parse(Device);
}
