using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// One experiment that a sweep can run: a named, typed parameter space and a deterministic function from one point of it
/// to a JSON result. The same point (and seed) must always give the same result, so that resumed and sharded sweeps
/// merge into exactly what one uninterrupted run would have produced.
/// </summary>
public interface IExperiment
{
    /// <summary>The experiment's name as used in configs ("experiment": "...") and on the command line.</summary>
    string Name { get; }

    /// <summary>One line saying what a point measures.</summary>
    string Description { get; }

    /// <summary>Every parameter the experiment accepts, with its type, default and valid range.</summary>
    IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>
    /// Whether <see cref="Run"/> computes on the device named by <see cref="ExperimentContext.Device"/> when it is "cuda" or
    /// "cuda:N": true only when every tensor it creates goes through <see cref="ExperimentContext.Placement"/> (checked on
    /// CPU by ExperimentPlacementTests). Otherwise <c>--device cuda</c> is refused with a clear message instead of silently
    /// computing on the CPU.
    /// </summary>
    bool SupportsCuda => false;

    /// <summary>Runs one point. Throw <see cref="ArgumentException"/> for an invalid combination of parameters.</summary>
    /// <param name="point">The resolved parameter values (every parameter present).</param>
    /// <param name="context">Run-wide settings (device, master seed, cancellation).</param>
    JsonObject Run(SweepPoint point, ExperimentContext context);
}
