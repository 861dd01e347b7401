using NtkProofs.Kernels;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Statistics;
using NtkProofs.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Lemmas;

/// <summary>
/// What the suite establishes for the TiedValue path (the weight-sharing form the paper analyses), where THEORY.md predicts
/// that L2's lazy-training picture fails with alpha = sqrt(m).
/// </summary>
public sealed class TiedValueFindings(ITestOutputHelper output)
{
    private static readonly LemmaProblem Problem = new(ValuePath.TiedValue, 6, 4, 2, 0.5);

    /// <summary>
    /// The mechanism: F(0) = sqrt(m) sum_r S_r p_r grows like sqrt(m) sigma^2 x, because the softmax-weighted prefix mean is
    /// tilted toward x (E_tilted p = sigma^2 x). Asserted: ||F(0)(x_i) - sqrt(m) sigma^2 x_i|| / (sqrt(m) sigma^2) shrinks
    /// below 0.1 at m = 2^14 and ||F(0)|| / sqrt(m) approaches sigma^2 within 10%.
    /// </summary>
    [Fact]
    public void InitialOutputGrowsLikeSqrtMTimesSigmaSquaredX()
    {
        using var x = Problem.Inputs(0);
        foreach (int m in KernelConcentration.PowersOfTwo(6, 14))
        {
            using var scope = NewDisposeScope();
            using var model = Problem.Model(m, 0);
            var f = model.Output(x);
            double s2 = Problem.Sigma * Problem.Sigma, rootM = Math.Sqrt(m);
            double deviation = linalg.vector_norm(f - (x * (rootM * s2)), dims: [1]).max().item<double>() / (rootM * s2);
            double normRatio = linalg.vector_norm(f, dims: [1]).mean().item<double>() / (rootM * s2);
            output.WriteLine(FormattableString.Invariant($"m = {m,6}: mean ||F(0)|| / (sqrt(m) sigma^2) = {normRatio:F3}; max ||F(0) - sqrt(m) sigma^2 x|| / (sqrt(m) sigma^2) = {deviation:F3}"));
            if (m == 1 << 14)
            {
                Assert.True(deviation < 0.1);
                Assert.InRange(normRatio, 0.9, 1.1);
            }
        }
    }

    /// <summary>
    /// The consequence, measured: the relative kernel drift over training does not vanish with m (fitted slope above -0.1,
    /// drift above 0.1 at the largest m), unlike FixedValue and SeparateValue (slopes near -0.9).
    /// </summary>
    [Fact]
    public void KernelDriftDoesNotVanish()
    {
        var result = LazyTraining.Run(Problem, KernelConcentration.PowersOfTwo(6, 12), 2, new TrainingOptions(150, 0.5, 15));
        output.WriteLine(FormattableString.Invariant($"drift slope {result.DriftSlope.Slope:F3}, movement slope {result.MovementSlope.Slope:F3}"));
        foreach (int m in result.PrefixLengths)
        {
            output.WriteLine(FormattableString.Invariant($"  m = {m,5}: drift {result.At(m, s => s.MaxKernelDrift)}, movement {result.At(m, s => s.MaxPrefixMovement)}, min lambda_min(H(t))/lambda* {result.At(m, s => s.MinLambdaMin / s.LambdaStar)}, final/initial residual {result.At(m, s => s.ResidualRatio)}"));
        }

        Assert.True(result.DriftSlope.Slope > -0.1, $"drift slope {result.DriftSlope.Slope:F3}");
        Assert.True(result.At(1 << 12, s => s.MaxKernelDrift).Mean > 0.1);
    }

    /// <summary>
    /// The kernel does not stay positive definite in the lambda*/2 sense along TiedValue training at m = 2^12 (above the L1(d)
    /// m0 = 1024 at this size): its smallest eigenvalue collapses far below lambda*/2 in every replicate.
    /// </summary>
    [Fact]
    public void KernelLosesLambdaStarOverTwoDuringTraining()
    {
        var result = LazyTraining.Run(Problem, [1 << 12], 3, new TrainingOptions(150, 0.5, 15));
        foreach (var s in result.Samples)
        {
            output.WriteLine(FormattableString.Invariant($"replicate {s.Replicate}: min_t lambda_min(H(t)) / lambda* = {s.MinLambdaMin / s.LambdaStar:F4}"));
        }

        Assert.All(result.Samples, s => Assert.False(s.KernelStaysPositive));
    }

    /// <summary>
    /// THEORY.md's hand-derived TiedValue H* is confirmed numerically: over m = 2^6..2^16 (sigma = 0.5, 3 replicates) the
    /// empirical kernel converges to it at the Monte Carlo rate (fitted slope in the L1(c) band), while its distance to the
    /// same formula with any one sigma-dependent term dropped ends at least 3x larger at m = 2^16 (measured 32x, 48x and
    /// 3.9x; the sigma^4 term is small at sigma = 0.5, so its variant's gap levels off near 0.017 only late).
    /// So the formula is the limit, and each of its terms is needed.
    /// </summary>
    [Fact]
    public void ClosedFormTiedKernelIsConfirmed()
    {
        var grid = KernelConcentration.PowersOfTwo(6, 16);
        var gaps = new Dictionary<string, double[]>();
        for (int r = 0; r < 3; r++)
        {
            using var scope = NewDisposeScope();
            var x = Problem.Inputs(r);
            var candidates = TiedVariants(x, Problem.Sigma).Prepend(("H* (THEORY.md)", InfinitePrefixKernel.Compute(ValuePath.TiedValue, x, Problem.Sigma))).ToList();
            for (int i = 0; i < grid.Count; i++)
            {
                using var model = Problem.Model(grid[i], r);
                var h = EmpiricalKernel.Compute(model, x);
                foreach (var (name, candidate) in candidates)
                {
                    var row = gaps.TryGetValue(name, out var existing) ? existing : gaps[name] = new double[grid.Count];
                    row[i] += linalg.norm(h - candidate).item<double>() / linalg.norm(candidate).item<double>() / 3;
                }
            }
        }

        var m = grid.Select(v => (double)v).ToList();
        var star = gaps["H* (THEORY.md)"];
        foreach (var (name, row) in gaps)
        {
            var fit = LogLogFit.Fit(m, row);
            output.WriteLine(FormattableString.Invariant($"{name}: slope {fit.Slope:F3}; mean gap at 2^6 {row[0]:E3}, at 2^16 {row[^1]:E3}"));
            if (ReferenceEquals(row, star))
            {
                Assert.InRange(fit.Slope, LemmaCriteria.ConcentrationSlopeLow, LemmaCriteria.ConcentrationSlopeHigh);
            }
            else
            {
                Assert.True(row[^1] > 3 * star[^1], $"{name}: {row[^1]:E3} not well above {star[^1]:E3}");
            }
        }
    }

    private static IEnumerable<(string Name, Tensor Kernel)> TiedVariants(Tensor x, double sigma)
    {
        long n = x.shape[0], d = x.shape[1];
        double s2 = sigma * sigma;
        var g = x.mm(x.t());
        var k = (g * s2).exp();
        var xx = x.t().unsqueeze(0).unsqueeze(3) * x.unsqueeze(1).unsqueeze(2); // [i, l, j, l'] = x_jl x_il'
        Tensor Build(Tensor identityWeight, Tensor outerWeight) =>
            (kron(identityWeight, eye(d, dtype: ScalarType.Float64)) + (outerWeight.unsqueeze(1).unsqueeze(3) * xx).reshape(n * d, n * d));
        yield return ("without the sigma^2 g identity term", Build(k, k * ((g * (s2 * s2)) + (2 * s2))));
        yield return ("without the 2 sigma^2 outer term", Build(k * ((g * s2) + 1), k * (g * (s2 * s2))));
        yield return ("without the sigma^4 g outer term", Build(k * ((g * s2) + 1), k * (2 * s2)));
    }
}
