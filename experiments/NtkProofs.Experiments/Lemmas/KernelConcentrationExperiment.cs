using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>L1 at one (setting, m, replicate): H(0) against H*, relative gap and extreme eigenvalues.</summary>
public sealed class KernelConcentrationExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "kernel-concentration";

    /// <inheritdoc />
    public string Description => "L1: ||H(0) - H*||_F / ||H*||_F, lambda_min(H(0)) and lambda* at one prefix length and replicate";

    /// <inheritdoc />
    public IReadOnlyList<ParameterSpec> Parameters => LemmaParameters.Common;

    /// <inheritdoc />
    public JsonObject Run(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = KernelConcentration.Measure(LemmaParameters.Problem(point, context.MasterSeed), checked((int)point.Int("m")), checked((int)point.Int("replicate")));
        return new JsonObject
        {
            ["relative_gap"] = s.RelativeGap,
            ["lambda_min"] = s.LambdaMin,
            ["lambda_star"] = s.LambdaStar,
            ["lambda_max_star"] = s.LambdaMaxStar,
            ["asymmetry"] = s.Asymmetry,
        };
    }

    /// <summary>Reads a result back into an <see cref="InitialKernelSample"/>.</summary>
    /// <param name="point">The point.</param>
    /// <param name="result">The result written by <see cref="Run"/>.</param>
    public static InitialKernelSample ToSample(SweepPoint point, JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(result);
        return new InitialKernelSample(
            checked((int)point.Int("m")),
            checked((int)point.Int("replicate")),
            result["relative_gap"]!.GetValue<double>(),
            result["lambda_min"]!.GetValue<double>(),
            result["lambda_star"]!.GetValue<double>(),
            result["lambda_max_star"]!.GetValue<double>(),
            result["asymmetry"]!.GetValue<double>());
    }
}
