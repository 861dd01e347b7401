using NtkProofs.Measurements;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>
/// Claim C17: the trained setting (<see cref="TrainedSetting"/>) and the closed form at small m and at m close to L, one
/// point per (m, L, phi): held-out relative error of NTK-Attention against exact prefix attention.
/// </summary>
public sealed class SmallPrefixExperiment : TypedExperiment<SmallPrefixResult>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "small-prefix";

    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "trained setting and closed form at small m and m close to L: held-out relative error against prefix attention";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("m", 10, "prefix length", 1, 1 << 20),
        ParameterSpec.Int("length", 128, "input length L", 1, 16384),
        ParameterSpec.Text("feature", "elu1", "feature map: elu1, taylor:G, prf:R"),
        ParameterSpec.Int("dim", 16, "model and head dimension d", 1, 256),
        ParameterSpec.Int("steps", 1000, "Adam steps", 0, 1_000_000),
        ParameterSpec.Int("batch", 4, "fresh X draws per step", 1, 1024),
        ParameterSpec.Real("lr", 1e-2, "Adam learning rate (scaled by sqrt(d / r) for the fit)", 1e-8, 10),
        ParameterSpec.Int("test_draws", 32, "held-out X draws", 1, 100_000),
    ];

    /// <inheritdoc />
    public override SmallPrefixResult Measure(SweepPoint point, ExperimentContext context)
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
            DType = ScalarType.Float32,
            Placement = context.Placement,
        };
        var rows = TrainedSetting.Run(options);
        TrainedSettingRow Of(ZkSource source) => rows.Single(r => r.Source == source);
        var closed = Of(ZkSource.ClosedForm);
        var trained = Of(ZkSource.Trained);
        return new SmallPrefixResult(options.PrefixLengths[0], options.Length, options.Dim, closed.FeatureMap, closed.FeatureCount,
            Of(ZkSource.ZeroState).RelativeError, closed.RelativeError, trained.RelativeError, trained.MaxAbsError, trained.Steps, trained.Seconds);
    }
}
