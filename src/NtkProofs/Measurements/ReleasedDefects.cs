using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>The measured outcome of reproducing the released code's four defects (PAPER.md; claim C12).</summary>
/// <param name="DoubleCountingReleasedError">Relative error of Z = 0, k = 0 in the released error experiment (0 = "exact").</param>
/// <param name="DoubleCountingIntendedError">Relative error of Z = 0, k = 0 in the comparison as intended (the prefix's real effect).</param>
/// <param name="FrozenKGradientAtZero">max |dL/d kappa| at kappa = 0 for k = |kappa|.</param>
/// <param name="FrozenKMovedFromZero">max |kappa - 0| after Adam steps from kappa = 0.</param>
/// <param name="FrozenKMovedFromSmall">max |kappa - 0.01| after the same steps from kappa = 0.01 (our adapter's kind of init).</param>
/// <param name="OverflowRowMax">The smallest row max (score) at which the released float32 forward silently returns the no-prefix output.</param>
/// <param name="ExactAtOverflow">The exact output (a prefix share) at that row max, which the released forward replaces by 0.</param>
/// <param name="StableErrorAtOverflow">Relative error of our stable float32 forward at that row max.</param>
/// <param name="EvalDropoutDifference">max |out1 - out2| of two evaluation-mode calls of the released pattern (0 if deterministic).</param>
/// <param name="OurEvalDifference">The same for our NtkAttention.</param>
public sealed record ReleasedDefectMeasurements(
    double DoubleCountingReleasedError,
    double DoubleCountingIntendedError,
    double FrozenKGradientAtZero,
    double FrozenKMovedFromZero,
    double FrozenKMovedFromSmall,
    double OverflowRowMax,
    double ExactAtOverflow,
    double StableErrorAtOverflow,
    double EvalDropoutDifference,
    double OurEvalDifference)
{
    /// <summary>Double counting reproduced: Z = 0, k = 0 "exact" in the released experiment, far from exact as intended.</summary>
    public bool DoubleCountingReproduced => DoubleCountingReleasedError < 1e-6 && DoubleCountingIntendedError > 1e-2;

    /// <summary>Frozen k reproduced: zero gradient and no movement from 0, while a small nonzero init moves.</summary>
    public bool FrozenKReproduced => FrozenKGradientAtZero == 0 && FrozenKMovedFromZero == 0 && FrozenKMovedFromSmall > 1e-3;

    /// <summary>Overflow reproduced: the prefix term is dropped near ln(FLT_MAX) = 88.72, and the stable forward is correct there.</summary>
    public bool OverflowReproduced => OverflowRowMax > 85 && OverflowRowMax < 92 && StableErrorAtOverflow < 1e-3;

    /// <summary>Evaluation dropout reproduced: the released pattern is random at evaluation, ours is deterministic.</summary>
    public bool EvalDropoutReproduced => EvalDropoutDifference > 0 && OurEvalDifference == 0;
}

/// <summary>
/// Reproduces the released code's defects (PAPER.md, "What the released code does") with the faithful ports
/// <see cref="ReleasedReferenceAttention"/> and <see cref="ReleasedErrorExperiment"/>, next to our implementation.
/// </summary>
public static class ReleasedDefects
{
    /// <summary>Measures all four defects (float32, small sizes; about a second).</summary>
    /// <param name="seed">Seed of the random inputs.</param>
    /// <param name="placement">Where the tensors live (default CPU); random draws come from CPU generators, so a seed gives the same inputs on every device.</param>
    public static ReleasedDefectMeasurements Measure(long seed, DevicePlacement? placement = null)
    {
        var (released, intended) = DoubleCounting(seed, placement);
        var (gradient, fromZero, fromSmall) = FrozenK(seed, placement);
        var (threshold, exact, stableError) = Overflow(placement);
        var (releasedEval, ourEval) = EvalDropout(seed, placement);
        return new ReleasedDefectMeasurements(released, intended, gradient, fromZero, fromSmall, threshold, exact, stableError, releasedEval, ourEval);
    }

    /// <summary>
    /// The released error script passes the prefix-augmented Q, K, V to NTK-Attention, so Z = 0, k = 0 already matches its
    /// target; the intended comparison (queries from X only, prefix attention over [P; X] against NTK-Attention over X)
    /// shows the prefix's real effect.
    /// </summary>
    /// <param name="seed">Seed.</param>
    /// <param name="placement">Where the tensors live (default CPU).</param>
    public static (double Released, double Intended) DoubleCounting(long seed, DevicePlacement? placement = null)
    {
        using var scope = NewDisposeScope();
        var device = (placement ?? DevicePlacement.Cpu).Device;
        const int d = 8, length = 16, m = 64;
        double scale = 1.0 / Math.Sqrt(d);
        var x = Normal(seed, 1, [length, d], 1.0, placement);
        var p = Normal(seed, 2, [m, d], 1.0, placement);
        var (wq, wk, wv) = (Normal(seed, 3, [d, d], scale, placement), Normal(seed, 4, [d, d], scale, placement), Normal(seed, 5, [d, d], scale, placement));
        var (target, prediction) = ReleasedErrorExperiment.Step(x, p, wq, wk, wv, zeros(d, d, device: device), zeros(d, device: device));
        double released = Relative(prediction, target);
        var (qx, kx, vx) = (HeadProjection.Project(x, wq).unsqueeze(0), HeadProjection.Project(x, wk).unsqueeze(0), HeadProjection.Project(x, wv).unsqueeze(0));
        var exact = PrefixAttention.Forward(qx, kx, vx, HeadProjection.Project(p, wk), HeadProjection.Project(p, wv));
        var zeroState = NtkAttention.Forward(qx, kx, vx, new Elu1FeatureMap(d), zeros(1, d, d, device: device), zeros(1, d, device: device));
        return (released, Relative(zeroState, exact));
    }

    /// <summary>
    /// k = |kappa| with kappa initialized at 0 (the released ViT scripts): the gradient of |.| at 0 is 0, so Adam never
    /// moves kappa; from 0.01 it moves. Returns (max |grad| at 0, movement from 0, movement from 0.01) after 20 Adam steps.
    /// </summary>
    /// <param name="seed">Seed.</param>
    /// <param name="placement">Where the tensors live (default CPU).</param>
    public static (double GradientAtZero, double MovedFromZero, double MovedFromSmall) FrozenK(long seed, DevicePlacement? placement = null)
    {
        using var scope = NewDisposeScope();
        var device = (placement ?? DevicePlacement.Cpu).Device;
        var q = Normal(seed, 6, [2, 2, 5, 4], 1.0, placement);
        var k = Normal(seed, 7, [2, 2, 5, 4], 1.0, placement);
        var v = Normal(seed, 8, [2, 2, 5, 4], 1.0, placement);
        var target = Normal(seed, 9, [2, 2, 5, 4], 1.0, placement);
        double gradientAtZero = 0, fromZero = 0, fromSmall = 0;
        foreach (double init in new[] { 0.0, 0.01 })
        {
            var kappa = new Parameter(full(1, 2, 4, 1, init, ScalarType.Float32, device: device), requires_grad: true);
            var z = new Parameter(zeros(1, 2, 4, 4, device: device), requires_grad: true);
            using var adam = optim.Adam([kappa, z], lr: 1e-2);
            for (int step = 0; step < 20; step++)
            {
                using var stepScope = NewDisposeScope();
                adam.zero_grad();
                var loss = (ReleasedReferenceAttention.Forward(q, k, v, kappa, z, causalMask: true) - target).square().mean();
                loss.backward();
                if (step == 0 && init == 0)
                {
                    gradientAtZero = kappa.grad!.abs().max().item<float>();
                }

                adam.step();
            }

            double moved = (kappa.detach() - init).abs().max().item<float>();
            if (init == 0)
            {
                fromZero = moved;
            }
            else
            {
                fromSmall = moved;
            }
        }

        return (gradientAtZero, fromZero, fromSmall);
    }

    /// <summary>
    /// One query, one input key with score s (the row max) and value 0, and a prefix term of weight W = e^min(s, 88) / 4 with
    /// value 1, so the exact output is W / (e^s + W): 0.2 up to s = 88 and still 0.1 at s = 88.8. Scans s upward and returns
    /// the first row max at which the released float32 forward (which divides the prefix terms by exp(row max)) returns
    /// exactly the no-prefix output 0, the exact output there, and our float32 forward's relative error there.
    /// </summary>
    /// <param name="placement">Where the tensors live (default CPU).</param>
    public static (double Threshold, double Exact, double StableError) Overflow(DevicePlacement? placement = null)
    {
        var device = (placement ?? DevicePlacement.Cpu).Device;
        for (double s = 80; s <= 100 + 1e-9; s += 0.02)
        {
            var (released, stable, exact) = OverflowCase(s, device);
            if (released == 0 && exact > 1e-3)
            {
                return (s, exact, Math.Abs(stable - exact) / exact);
            }
        }

        return (double.NaN, double.NaN, double.NaN);
    }

    /// <summary>
    /// The released ViT scripts build <c>nn.Dropout</c> on phi(Q) inside forward: a module made there is in training mode,
    /// so <c>model.eval()</c> never reaches it and evaluation stays random. Puts the ported layer
    /// (<see cref="ReleasedVitNtkLayer"/>, Z and k set to nonzero values so the prefix term matters) in evaluation mode and
    /// returns max |out1 - out2| of two calls on the same input, and the same for our NtkAttention (no dropout inside).
    /// </summary>
    /// <param name="seed">Seed.</param>
    /// <param name="placement">Where the tensors live (default CPU).</param>
    public static (double Released, double Ours) EvalDropout(long seed, DevicePlacement? placement = null)
    {
        using var scope = NewDisposeScope();
        const int d = 8, heads = 2;
        var q = Normal(seed, 10, [1, heads, 6, d], 1.0, placement);
        var k = Normal(seed, 11, [1, heads, 6, d], 1.0, placement);
        var v = Normal(seed, 12, [1, heads, 6, d], 1.0, placement);
        using var layer = new ReleasedVitNtkLayer(heads, d, 0.1, (placement ?? DevicePlacement.Cpu).Device);
        using (no_grad())
        {
            layer.K.copy_(Normal(seed, 13, [1, heads, d, 1], 1.0, placement).abs());
            layer.Z.copy_(Normal(seed, 14, [1, heads, d, d], 1.0, placement));
        }

        layer.eval();
        double released;
        using (no_grad())
        {
            released = (layer.forward(q, k, v) - layer.forward(q, k, v)).abs().max().item<float>();
        }

        var phi = new Elu1FeatureMap(d);
        var z = layer.Z.detach().squeeze(0);
        var kSum = layer.K.detach().abs().squeeze(0).squeeze(-1);
        double ours = (NtkAttention.Forward(q, k, v, phi, z, kSum) - NtkAttention.Forward(q, k, v, phi, z, kSum)).abs().max().item<float>();
        return (released, ours);
    }

    private static (double Released, double Stable, double Exact) OverflowCase(double s, Device device)
    {
        using var scope = NewDisposeScope();
        const int d = 4;
        double a = Math.Sqrt(s / 2);                              // q = kappa = a (1, 1, 1, 1): <q, kappa> / sqrt d = s
        var q = full(1, 1, 1, d, a, ScalarType.Float32, device: device);
        var v = zeros(1, 1, 1, d, device: device);
        double features = new Elu1FeatureMap(d).Apply(q.to(ScalarType.Float64)).sum().item<double>();
        double logWeight = Math.Min(s, 88.0) - Math.Log(4);
        double kEntry = Math.Exp(logWeight) / features;
        var kSum = full(1, d, kEntry, ScalarType.Float32, device: device);
        var z = full(1, d, d, kEntry, ScalarType.Float32, device: device);        // phi(q) Z / phi(q) k = 1 in every column
        double exact = 1.0 / (1.0 + Math.Exp(s - logWeight));
        var released = ReleasedReferenceAttention.Forward(q, q, v, kSum.unsqueeze(0).unsqueeze(-1), z.unsqueeze(0), causalMask: false);
        var stable = NtkAttention.Forward(q, q, v, new Elu1FeatureMap(d), z, kSum);
        return (released.max().item<float>(), stable.max().item<float>(), exact);
    }

    private static Tensor Normal(long seed, int stream, long[] shape, double scale, DevicePlacement? placement) => Seeds.Normal(seed, stream, shape, ScalarType.Float32, placement) * scale;

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).norm().item<float>() / Math.Max(expected.norm().item<float>(), 1e-30);
}
