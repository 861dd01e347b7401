using NtkProofs.Kernels;
using NtkProofs.Numerics;
using NtkProofs.Statistics;
using static TorchSharp.torch;

namespace NtkProofs.Lemmas;

/// <summary>One (m, replicate) measurement at initialization.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="RelativeGap">||H(0) - H*||_F / ||H*||_F.</param>
/// <param name="LambdaMin">lambda_min(H(0)).</param>
/// <param name="LambdaStar">lambda* = lambda_min(H*).</param>
/// <param name="LambdaMaxStar">lambda_max(H*).</param>
/// <param name="Asymmetry">||H - H^T||_F / ||H||_F of the empirical kernel.</param>
public sealed record InitialKernelSample(int PrefixLength, int Replicate, double RelativeGap, double LambdaMin, double LambdaStar, double LambdaMaxStar, double Asymmetry);

/// <summary>The L1 measurements over an m grid: concentration of H(0) on H* and positivity at initialization.</summary>
/// <param name="Problem">The setting.</param>
/// <param name="Samples">Every (m, replicate) measurement.</param>
public sealed record KernelConcentrationResult(LemmaProblem Problem, IReadOnlyList<InitialKernelSample> Samples)
{
    /// <summary>The prefix lengths, ascending.</summary>
    public IReadOnlyList<int> PrefixLengths => Samples.Select(s => s.PrefixLength).Distinct().Order().ToList();

    /// <summary>Mean relative gap per m (ascending m).</summary>
    public IReadOnlyList<Summary> GapByPrefixLength =>
        PrefixLengths.Select(m => Summary.Of(Samples.Where(s => s.PrefixLength == m).Select(s => s.RelativeGap))).ToList();

    /// <summary>Log-log fit of the mean relative gap against m over [<paramref name="fromM"/>, <paramref name="toM"/>].</summary>
    /// <param name="fromM">Smallest m included.</param>
    /// <param name="toM">Largest m included.</param>
    public LogLogFit GapSlope(int fromM = 1, int toM = int.MaxValue)
    {
        var ms = PrefixLengths.Where(m => m >= fromM && m <= toM).ToList();
        var gaps = ms.Select(m => Samples.Where(s => s.PrefixLength == m).Average(s => s.RelativeGap)).ToList();
        return LogLogFit.Fit(ms.Select(m => (double)m).ToList(), gaps);
    }

    /// <summary>The spread of per-replicate slopes over [<paramref name="fromM"/>, <paramref name="toM"/>].</summary>
    /// <param name="fromM">Smallest m included.</param>
    /// <param name="toM">Largest m included.</param>
    public Summary ReplicateSlopes(int fromM = 1, int toM = int.MaxValue) => Summary.Of(
        Samples.Select(s => s.Replicate).Distinct().Select(r =>
        {
            var rows = Samples.Where(s => s.Replicate == r && s.PrefixLength >= fromM && s.PrefixLength <= toM).OrderBy(s => s.PrefixLength).ToList();
            return LogLogFit.Fit(rows.Select(s => (double)s.PrefixLength).ToList(), rows.Select(s => s.RelativeGap).ToList()).Slope;
        }));

    /// <summary>Fraction of replicates at prefix length m with lambda_min(H(0)) &gt;= 3 lambda* / 4.</summary>
    /// <param name="prefixLength">m.</param>
    public double FractionAboveThreeQuarters(int prefixLength)
    {
        var rows = Samples.Where(s => s.PrefixLength == prefixLength).ToList();
        return rows.Count(s => s.LambdaMin >= 0.75 * s.LambdaStar) / (double)rows.Count;
    }

    /// <summary>
    /// The smallest m on the grid from which on every larger grid m has the fraction of
    /// <see cref="FractionAboveThreeQuarters"/> at least 1 - delta; null if even the largest m fails.
    /// </summary>
    /// <param name="delta">Allowed failure probability.</param>
    public int? MeasuredM0(double delta)
    {
        int? m0 = null;
        foreach (int m in PrefixLengths.Reverse())
        {
            if (FractionAboveThreeQuarters(m) >= 1 - delta)
            {
                m0 = m;
            }
            else
            {
                break;
            }
        }

        return m0;
    }

    /// <summary>
    /// A paper-style sufficient prefix length: entries of H(0) - H* concentrate at rate sqrt(log(n c / delta) / m), so
    /// ||H(0) - H*||_F &lt;= lambda*/4 once m &gt;= 16 n^2 c^2 log(n c / delta) / lambda*^2 (our constant; the paper leaves it
    /// implicit). Uses the smallest lambda* over replicates.
    /// </summary>
    /// <param name="delta">Failure probability.</param>
    public double TheoreticalM0(double delta)
    {
        double nc = Problem.Samples * (double)Problem.EffectiveOutputDim;
        double lambdaStar = Samples.Min(s => s.LambdaStar);
        return 16 * nc * nc * Math.Log(nc / delta) / (lambdaStar * lambdaStar);
    }
}

/// <summary>Runs the L1 measurements: H(0) versus H* over a grid of prefix lengths and replicates.</summary>
public static class KernelConcentration
{
    /// <summary>Measures every (m, replicate) pair.</summary>
    /// <param name="problem">The setting.</param>
    /// <param name="prefixLengths">The m grid.</param>
    /// <param name="replicates">Number of replicates (independent inputs and prefix draws).</param>
    /// <param name="progress">Receives the number of completed (m, replicate) pairs.</param>
    public static KernelConcentrationResult Run(LemmaProblem problem, IReadOnlyList<int> prefixLengths, int replicates, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(prefixLengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        var samples = new List<InitialKernelSample>();
        int done = 0;
        for (int r = 0; r < replicates; r++)
        {
            using var scope = NewDisposeScope();
            var x = problem.Inputs(r);
            var hStar = InfinitePrefixKernel.Compute(problem.ValuePath, x, problem.Sigma, problem.EffectiveOutputDim);
            var starSpectrum = EigenSpectrum.Of(hStar);
            double starNorm = linalg.norm(hStar).item<double>();
            foreach (int m in prefixLengths)
            {
                samples.Add(Measure(problem, m, r, x, hStar, starSpectrum, starNorm));
                progress?.Report(++done);
            }
        }

        return new KernelConcentrationResult(problem, samples);
    }

    /// <summary>Measures H(0) against H* at one (m, replicate).</summary>
    /// <param name="problem">The setting.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="replicate">Replicate index.</param>
    public static InitialKernelSample Measure(LemmaProblem problem, int prefixLength, int replicate)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var scope = NewDisposeScope();
        var x = problem.Inputs(replicate);
        var hStar = InfinitePrefixKernel.Compute(problem.ValuePath, x, problem.Sigma, problem.EffectiveOutputDim);
        return Measure(problem, prefixLength, replicate, x, hStar, EigenSpectrum.Of(hStar), linalg.norm(hStar).item<double>());
    }

    private static InitialKernelSample Measure(LemmaProblem problem, int m, int r, Tensor x, Tensor hStar, EigenSpectrum starSpectrum, double starNorm)
    {
        using var scope = NewDisposeScope();
        using var model = problem.Model(m, r);
        var h = EmpiricalKernel.Compute(model, x);
        double gap = linalg.norm(h - hStar).item<double>() / starNorm;
        return new InitialKernelSample(m, r, gap, EigenSpectrum.Of(h).LambdaMin, starSpectrum.LambdaMin, starSpectrum.LambdaMax, EigenSpectrum.Asymmetry(h));
    }

    /// <summary>The grid 2^from, 2^(from+1), ..., 2^to.</summary>
    /// <param name="fromExponent">Smallest exponent.</param>
    /// <param name="toExponent">Largest exponent.</param>
    public static IReadOnlyList<int> PowersOfTwo(int fromExponent, int toExponent) =>
        Enumerable.Range(fromExponent, toExponent - fromExponent + 1).Select(e => 1 << e).ToList();
}
