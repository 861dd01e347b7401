using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Training;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>L2, L3 and C4 at one (setting, m, replicate): one gradient-descent run and its summary numbers.</summary>
public sealed class LazyTrainingExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "lazy-training";

    /// <inheritdoc />
    public string Description => "L2/L3/C4: gradient descent on the prefix; kernel drift, prefix movement, lambda_min(H(t)), loss envelope, steps to 1e-3";

    /// <inheritdoc />
    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        .. LemmaParameters.Common,
        ParameterSpec.Text("init", "random", "initialization: random, or symmetric (F(0) = 0; fixed and separate paths, even m)", "random", "symmetric"),
        ParameterSpec.Int("steps", 200, "gradient-descent steps T", 0, 1_000_000),
        ParameterSpec.Real("eta0", 0.5, "step size eta = eta0 / lambda_max(H(0))", 1e-9, 10),
        ParameterSpec.Int("kernel_every", 20, "recompute the kernel every this many steps", 1, 1_000_000),
    ];

    /// <inheritdoc />
    public JsonObject Run(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var options = new TrainingOptions(checked((int)point.Int("steps")), point.Real("eta0"), checked((int)point.Int("kernel_every")));
        var init = point.Text("init") == "symmetric" ? PrefixInit.Symmetric : PrefixInit.Random;
        var s = LazyTraining.Measure(LemmaParameters.Problem(point, context.MasterSeed), checked((int)point.Int("m")), checked((int)point.Int("replicate")), options, init);
        var curve = new JsonArray();
        foreach (var (step, residual) in s.Curve)
        {
            curve.Add(new JsonArray(step, residual));
        }

        return new JsonObject
        {
            ["lambda_star"] = s.LambdaStar,
            ["effective_eta"] = s.EffectiveEta,
            ["steps"] = s.Steps,
            ["max_kernel_drift"] = s.MaxKernelDrift,
            ["max_prefix_movement"] = s.MaxPrefixMovement,
            ["max_rms_prefix_movement"] = s.MaxRmsPrefixMovement,
            ["min_lambda_min"] = s.MinLambdaMin,
            ["measured_contraction"] = s.MeasuredContraction,
            ["predicted_contraction"] = s.PredictedContraction,
            ["worst_envelope_ratio"] = s.WorstEnvelopeRatio,
            ["initial_residual"] = s.InitialResidual,
            ["final_residual"] = s.FinalResidual,
            ["steps_to_1e-3"] = s.StepsToTarget,
            ["curve"] = curve,
        };
    }

    /// <summary>Reads a result back into a <see cref="TrainingSample"/>.</summary>
    /// <param name="point">The point.</param>
    /// <param name="result">The result written by <see cref="Run"/>.</param>
    public static TrainingSample ToSample(SweepPoint point, JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(result);
        double D(string key) => result[key]!.GetValue<double>();
        var curve = result["curve"]!.AsArray().Select(e => (e![0]!.GetValue<int>(), e[1]!.GetValue<double>())).ToList();
        return new TrainingSample(
            checked((int)point.Int("m")),
            checked((int)point.Int("replicate")),
            D("lambda_star"),
            D("effective_eta"),
            result["steps"]!.GetValue<int>(),
            D("max_kernel_drift"),
            D("max_prefix_movement"),
            D("max_rms_prefix_movement"),
            D("min_lambda_min"),
            D("measured_contraction"),
            D("worst_envelope_ratio"),
            D("initial_residual"),
            D("final_residual"),
            result["steps_to_1e-3"]?.GetValue<int>(),
            curve);
    }
}
