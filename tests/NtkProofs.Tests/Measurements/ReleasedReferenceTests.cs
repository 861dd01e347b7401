using NtkProofs.Measurements;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Measurements;

/// <summary>
/// The released reference forward pass (a faithful port) and its defects, claims ledger C12: double counting of the prefix in
/// the released error experiment, |k| frozen at a zero initialization, and the float32 overflow that drops the prefix term.
/// </summary>
public sealed class ReleasedReferenceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AgreesWithStableNtkAttentionForModerateLogits(bool causal)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(3, 2, 3, 6, 4, 4, 1, dtype: ScalarType.Float32);
        var z = Randn(4, [3, 4, 4], dtype: ScalarType.Float32);
        var kSum = Randn(5, [3, 4], dtype: ScalarType.Float32);
        var released = ReleasedReferenceAttention.Forward(q, k, v, kSum.unsqueeze(0).unsqueeze(-1), z.unsqueeze(0), causal);
        var stable = NtkAttention.Forward(q, k, v, new Elu1FeatureMap(4), z, kSum.abs(), causal);
        TensorAssert.Close(released, stable, Tolerance.Float32, output, $"released vs stable (|k|), causal {causal}");
    }

    [Fact]
    public void DoubleCountingMakesZeroStateExactInTheReleasedErrorExperiment()
    {
        using var scope = NewDisposeScope();
        const int d = 8, length = 16, m = 64;
        var x = Randn(10, [length, d], dtype: ScalarType.Float32);
        var p = Randn(11, [m, d], dtype: ScalarType.Float32);
        var scale = 1.0 / Math.Sqrt(d);
        var (wq, wk, wv) = (Randn(12, [d, d], scale, ScalarType.Float32), Randn(13, [d, d], scale, ScalarType.Float32), Randn(14, [d, d], scale, ScalarType.Float32));
        var (target, prediction) = ReleasedErrorExperiment.Step(x, p, wq, wk, wv, zeros(d, d), zeros(d));
        var released = TensorAssert.Close(prediction, target, Tolerance.Float32, output, "released experiment, Z = 0, k = 0");

        // The comparison as intended: queries from X only, prefix attention over [P; X] against NTK-Attention over X alone.
        var (qx, kx, vx) = (HeadProjection.Project(x, wq).unsqueeze(0), HeadProjection.Project(x, wk).unsqueeze(0), HeadProjection.Project(x, wv).unsqueeze(0));
        var exact = PrefixAttention.Forward(qx, kx, vx, HeadProjection.Project(p, wk), HeadProjection.Project(p, wv));
        var zeroState = NtkAttention.Forward(qx, kx, vx, new Elu1FeatureMap(d), zeros(1, d, d), zeros(1, d));
        var intended = Tolerance.Float32.Compare(zeroState.to(ScalarType.Float64).data<double>().ToArray(), exact.to(ScalarType.Float64).data<double>().ToArray());
        output.WriteLine($"intended comparison, Z = 0, k = 0: {intended}");
        Assert.True(intended.RelativeFrobenius > 100 * Math.Max(released.RelativeFrobenius, 1e-7), "the intended comparison must show the prefix's effect");
    }

    [Fact]
    public void TheErrorScriptsOneDimensionalKBroadcastsTheDenominatorToNByN()
    {
        // D = A.sum(-1).unsqueeze(-1) [1, 1, N, 1] + matmul(phi_q, k) [1, 1, N] for a 1-D k: the sum broadcasts to [1, 1, N, N],
        // so the final division by D cannot line up with the [1, 1, N, d] numerator (unless N = d). The port refuses such a k.
        using var scope = NewDisposeScope();
        long n = 40;
        var rowSums = zeros(1, 1, n, 1);
        var prefixWeight = zeros(1, 1, n);
        Assert.Equal(new long[] { 1, 1, n, n }, (rowSums + prefixWeight).shape);
    }

    // k = |kappa| initialized at 0 never moving is measured by ReleasedDefects.FrozenK (tests: ReleasedDefectsTests).

    /// <summary>
    /// One query, one input key with score s, and a prefix term of weight W = phi(q) k = e^s / 4 and value 1 (inputs' value 0):
    /// the exact output is W / (e^s + W) = 0.2. The released code divides phi(q) k by exp(s), which is +inf in float32 for
    /// s &gt; ln(FLT_MAX) = 88.72, and then returns exactly the no-prefix output 0.
    /// </summary>
    [Theory]
    [InlineData(10.0, true)]
    [InlineData(60.0, true)]
    [InlineData(86.0, true)]
    [InlineData(88.5, true)]
    [InlineData(88.8, false)]
    [InlineData(90.0, false)]
    [InlineData(300.0, false)]
    public void Float32OverflowDropsThePrefixTermAboveRowMax88(double s, bool prefixKept)
    {
        using var scope = NewDisposeScope();
        const int d = 4;
        double a = Math.Sqrt(s / 2);                       // q = kappa = a (1,1,1,1): <q, kappa> / sqrt d = 4 a^2 / 2 = s
        var q = full(1, 1, 1, d, a, ScalarType.Float32);
        var v = zeros(1, 1, 1, d);
        var features = new Elu1FeatureMap(d).Apply(q.to(ScalarType.Float64)).sum().item<double>();
        double weight = Math.Exp(Math.Min(s, 88.0) - Math.Log(4));         // W = e^s / 4, kept representable in float32 (capped)
        double kEntry = weight / features;
        var kSum = full(1, d, kEntry, ScalarType.Float32);
        var z = full(1, d, d, kEntry, ScalarType.Float32);                    // u = phi(q) Z / phi(q) k = 1 in every column
        double exact = weight / (Math.Exp(s) + weight);

        var released = ReleasedReferenceAttention.Forward(q, q, v, kSum.unsqueeze(0).unsqueeze(-1), z.unsqueeze(0), causalMask: false);
        var stable32 = NtkAttention.Forward(q, q, v, new Elu1FeatureMap(d), z, kSum);
        double releasedValue = released.max().item<float>();
        double stableValue = stable32.max().item<float>();
        output.WriteLine($"row max {s}: exact {exact:E4}, stable float32 {stableValue:E4}, released {releasedValue:E4}");
        Assert.True(released.isfinite().all().item<bool>(), "the released output stays finite: the prefix is dropped silently");
        Assert.True(Tolerance.Float32LargeLogits.Accepts(stableValue, exact), "the stable forward keeps the prefix term");
        if (prefixKept)
        {
            Assert.True(Tolerance.Float32LargeLogits.Accepts(releasedValue, exact));
        }
        else
        {
            Assert.Equal(0.0, releasedValue);
        }
    }
}
