using NtkProofs.Attention;
using System.Diagnostics;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>
/// The trained setting (THEORY.md Part B; the paper's Section 4.4 done as intended): fixed W_Q, W_K, W_V and a fixed prefix P of
/// m tokens; each step draws fresh inputs X ~ N(0, 1)^{L x D}; the target is exact prefix attention PrefixAttn(X; P) with queries
/// from X only; Z and k of NTK-Attention over X alone are fitted with Adam from Z = 0, k = 0. Held-out errors are reported next
/// to the closed form Z(P), k(P) and to the zero state (plain attention, no prefix).
/// </summary>
public static class TrainedSetting
{
    /// <summary>Runs every (m, feature map) pair.</summary>
    /// <param name="options">Sizes and settings.</param>
    /// <param name="progress">Called after each (m, feature map) with a label, pairs done and pairs in total.</param>
    public static IReadOnlyList<TrainedSettingRow> Run(TrainedSettingOptions options, Action<string, int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        var dtype = options.DType;
        int dim = options.Dim;
        var maps = options.FeatureMaps.Select(s => FeatureMapParser.Parse(s, dim, Seeds.Derive(options.Seed, 20, 0))).ToList();
        using var wq = Weight(options, 1);
        using var wk = Weight(options, 2);
        using var wv = Weight(options, 3);
        var rows = new List<TrainedSettingRow>();
        int done = 0, total = options.PrefixLengths.Count * maps.Count;
        foreach (int m in options.PrefixLengths)
        {
            using var scope = NewDisposeScope();
            var prefix = Normal(Seeds.Derive(options.Seed, 4, m), [m, dim], dtype, options.Placement);
            var prefixKeys = HeadProjection.Project(prefix, wk);
            var prefixValues = HeadProjection.Project(prefix, wv);

            // Held-out draws [T, 1, L, d] and their targets.
            var testX = Normal(Seeds.Derive(options.Seed, 5, m), [options.TestDraws, options.Length, dim], dtype, options.Placement);
            var (tq, tk, tv) = (HeadProjection.Project(testX, wq), HeadProjection.Project(testX, wk), HeadProjection.Project(testX, wv));
            var testTarget = PrefixAttention.Forward(tq, tk, tv, prefixKeys, prefixValues);
            var zeroState = PrefixAttention.Forward(tq, tk, tv, prefixKeys.narrow(1, 0, 0), prefixValues.narrow(1, 0, 0));
            rows.Add(Row(m, string.Empty, 0, ZkSource.ZeroState, zeroState, testTarget, double.NaN, 0, 0));

            foreach (var phi in maps)
            {
                using var mapScope = NewDisposeScope();
                var (z, k) = PrefixAccumulator.Compute(phi, prefixKeys, prefixValues);
                rows.Add(Row(m, phi.Name, phi.R, ZkSource.ClosedForm, NtkAttention.Forward(tq, tk, tv, phi, z, k), testTarget, double.NaN, 0, 0));

                var (trainedZ, trainedK, loss, seconds) = Fit(options, phi, wq, wk, wv, prefixKeys, prefixValues, m);
                using var noGrad = no_grad();
                rows.Add(Row(m, phi.Name, phi.R, ZkSource.Trained, NtkAttention.Forward(tq, tk, tv, phi, trainedZ, trainedK), testTarget, loss, options.Steps, seconds));
                progress?.Invoke($"m = {m}, {phi.Name}", ++done, total);
            }
        }

        return rows;
    }

    private static (Tensor Z, Tensor K, double FinalLoss, double Seconds) Fit(TrainedSettingOptions options, IFeatureMap phi, Tensor wq, Tensor wk, Tensor wv, Tensor prefixKeys, Tensor prefixValues, int m)
    {
        var dtype = options.DType;
        var z = new Parameter(zeros([1, phi.R, options.Dim], dtype, options.Placement.Device), requires_grad: true);
        var k = new Parameter(zeros([1, phi.R], dtype, options.Placement.Device), requires_grad: true);
        double lr = options.ScaleLearningRateByFeatures ? options.LearningRate * Math.Sqrt((double)options.Dim / phi.R) : options.LearningRate;
        using var adam = optim.Adam([z, k], lr: lr);
        using var generator = new Generator(unchecked((ulong)Seeds.Derive(options.Seed, 6, m)));
        double scale = options.PerRowParameters ? m : 1.0;
        var recent = new List<double>();
        int tail = Math.Max(1, options.Steps / 10);
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < options.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var x = options.Placement.Randn(generator, ScalarType.Float64, options.BatchSize, options.Length, options.Dim).to(dtype);
            var (q, kx, v) = (HeadProjection.Project(x, wq), HeadProjection.Project(x, wk), HeadProjection.Project(x, wv));
            Tensor target;
            using (no_grad())
            {
                target = PrefixAttention.Forward(q, kx, v, prefixKeys, prefixValues);
            }

            adam.zero_grad();
            var loss = (NtkAttention.Forward(q, kx, v, phi, z * scale, k * scale) - target).square().mean();
            loss.backward();
            adam.step();
            if (step >= options.Steps - tail)
            {
                recent.Add(loss.to(ScalarType.Float64).item<double>());
            }
        }

        return ((z.detach() * scale).DetachFromDisposeScope(), (k.detach() * scale).DetachFromDisposeScope(), recent.Count > 0 ? recent.Average() : double.NaN, clock.Elapsed.TotalSeconds);
    }

    private static TrainedSettingRow Row(int m, string map, long r, ZkSource source, Tensor prediction, Tensor target, double loss, int steps, double seconds)
    {
        using var scope = NewDisposeScope();
        var diff = (prediction - target).to(ScalarType.Float64);
        double mse = diff.square().mean().item<double>();
        double relative = diff.norm().item<double>() / Math.Max(target.to(ScalarType.Float64).norm().item<double>(), 1e-300);
        double maxAbs = diff.abs().max().item<double>();
        return new TrainedSettingRow(m, map, r, source, mse, relative, maxAbs, loss, steps, seconds);
    }

    private static Tensor Weight(TrainedSettingOptions options, int stream) =>
        (Normal(Seeds.Derive(options.Seed, stream, 0), [options.Dim, options.Dim], ScalarType.Float64, options.Placement) * (options.WeightScale / Math.Sqrt(options.Dim))).to(options.DType).DetachFromDisposeScope();

    private static Tensor Normal(long seed, long[] shape, ScalarType dtype, DevicePlacement placement)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var t = placement.Randn(generator, ScalarType.Float64, shape);
        return t.to(dtype);
    }
}
