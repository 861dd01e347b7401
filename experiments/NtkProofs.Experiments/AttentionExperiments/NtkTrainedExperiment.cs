using NtkProofs.Measurements;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// The Section 4.4 experiment done as intended (C8) at one (m, feature map): fixed W, fixed prefix P; Adam fits Z, k of
/// NTK-Attention to exact prefix attention on fresh X each step; held-out relative error of the trained Z, k next to the
/// closed-form Z(P), k(P) and to ignoring the prefix (zero state).
/// </summary>
public sealed class NtkTrainedExperiment : TypedExperiment<TrainedResult>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "ntk-trained";

    /// <inheritdoc />
    public override string Description => "Trained setting: Adam fit of Z, k against exact prefix attention; held-out error vs closed form";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("m", 256, "prefix length", 1, 1 << 20),
        ParameterSpec.Text("feature", "elu1", "feature map: elu1, taylor:G, prf:R"),
        ParameterSpec.Int("dim", 16, "model and head dimension d (to 4096: d_model 4096 on a GPU)", 1, 4096),
        ParameterSpec.Int("length", 64, "input length L", 1, 4096),
        ParameterSpec.Int("steps", 1000, "Adam steps", 0, 1_000_000),
        ParameterSpec.Int("batch", 4, "fresh X draws per step", 1, 1024),
        ParameterSpec.Real("lr", 1e-2, "Adam learning rate (scaled by sqrt(d / r) for the fit)", 1e-8, 10),
        ParameterSpec.Int("test_draws", 32, "held-out X draws", 1, 100_000),
        ParameterSpec.Text("dtype", "float32", "precision of the fit", "float32", "float64"),
    ];

    /// <inheritdoc />
    public override TrainedResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var options = new TrainedSettingOptions
        {
            Dim = checked((int)point.Int("dim")),
            Length = checked((int)point.Int("length")),
            PrefixLengths = [checked((int)point.Int("m"))],
            FeatureMaps = [point.Text("feature")],
            Steps = checked((int)point.Int("steps")),
            BatchSize = checked((int)point.Int("batch")),
            LearningRate = point.Real("lr"),
            TestDraws = checked((int)point.Int("test_draws")),
            Seed = context.MasterSeed,
            DType = point.Text("dtype") == "float64" ? ScalarType.Float64 : ScalarType.Float32,
            Placement = context.Placement,
        };
        var rows = TrainedSetting.Run(options);
        TrainedSettingRow Of(ZkSource source) => rows.Single(r => r.Source == source);
        var zero = Of(ZkSource.ZeroState);
        var closed = Of(ZkSource.ClosedForm);
        var trained = Of(ZkSource.Trained);
        return new TrainedResult(
            closed.FeatureCount,
            closed.FeatureMap,
            zero.RelativeError,
            closed.RelativeError,
            trained.RelativeError,
            trained.MaxAbsError,
            double.IsFinite(trained.FinalTrainLoss) ? trained.FinalTrainLoss : null,
            trained.Seconds);
    }
}

/// <summary>The trained setting at one (m, feature map): held-out relative errors of three Z, k sources.</summary>
/// <param name="R">Feature dimension r.</param>
/// <param name="FeatureName">The feature map's name.</param>
/// <param name="ZeroStateError">Ignoring the prefix (Z = 0, k = 0).</param>
/// <param name="ClosedFormError">The closed-form Z(P), k(P) of the same feature map.</param>
/// <param name="TrainedError">The Adam-trained Z, k.</param>
/// <param name="TrainedMaxAbsError">Largest absolute error of the trained Z, k.</param>
/// <param name="FinalTrainLoss">Last training loss, or null when not finite.</param>
/// <param name="FitSeconds">Wall time of the fit.</param>
public sealed record TrainedResult(long R, string FeatureName, double ZeroStateError, double ClosedFormError, double TrainedError, double TrainedMaxAbsError, double? FinalTrainLoss, double FitSeconds);
