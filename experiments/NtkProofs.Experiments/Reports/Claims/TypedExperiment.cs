using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>
/// An experiment whose points return a typed result record; the sweep engine stores it as JSON lines through
/// <see cref="ResultJson"/> and claims read it back with <see cref="ClaimInputs.Results{T}"/>.
/// </summary>
/// <typeparam name="T">The result record.</typeparam>
public abstract class TypedExperiment<T> : IExperiment
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <inheritdoc />
    public virtual bool SupportsCuda => false;

    /// <summary>Runs one point and returns its typed result.</summary>
    /// <param name="point">The resolved point.</param>
    /// <param name="context">Run-wide settings.</param>
    public abstract T Measure(SweepPoint point, ExperimentContext context);

    /// <inheritdoc />
    public JsonObject Run(SweepPoint point, ExperimentContext context) => ResultJson.Write(Measure(point, context));
}
