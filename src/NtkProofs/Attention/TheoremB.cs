using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Theorem B (THEORY.md Part B): with phi = Taylor(g), g even, closed-form Z, k, and eps_g(beta) = beta^(g+1) e^beta / (g+1)! &lt; 1,
/// ||NTK-Attn(X) - PrefixAttn(X; P)||_inf &lt;= 2 eps_g / (1 - eps_g) max_j ||v_j||_inf. This class evaluates beta, eps_g and the
/// bound, and the degree g(m) of the corollary.
/// </summary>
public static class TheoremB
{
    /// <summary>beta = max |&lt;q_i, kappa_r&gt;| / sqrt d over all batches, heads, queries and prefix keys, streamed over the prefix.</summary>
    /// <param name="q">Queries [B, H, L, d].</param>
    /// <param name="prefixKeys">K_P [H, m, d] or [B, H, m, d].</param>
    /// <param name="blockSize">Prefix keys per block.</param>
    public static double Beta(Tensor q, Tensor prefixKeys, long blockSize = PrefixAttention.DefaultBlockSize)
    {
        AttentionShapes.RequireRank(q, 4, nameof(q), AttentionShapes.HeadLayout);
        AttentionShapes.RequireFloat(q, nameof(q));
        using var scope = NewDisposeScope();
        var (pk, _) = AttentionShapes.RequirePrefix(prefixKeys, prefixKeys, q, q);
        var qh = q.transpose(0, 1) * (1.0 / Math.Sqrt(q.shape[3]));
        var pkh = pk.transpose(0, 1);
        double beta = 0;
        for (long start = 0; start < pk.shape[2]; start += blockSize)
        {
            using var blockScope = NewDisposeScope();
            var block = pkh.narrow(2, start, Math.Min(blockSize, pk.shape[2] - start));
            beta = Math.Max(beta, matmul(qh, block.transpose(2, 3)).abs().max().to(ScalarType.Float64).item<double>());
        }

        return beta;
    }

    /// <summary>max |v| over the entries of the given value tensors (prefix and input values).</summary>
    /// <param name="values">Tensors of any shape.</param>
    public static double ValueMax(params Tensor[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double max = 0;
        foreach (var v in values.Where(v => v.numel() > 0))
        {
            using var a = v.detach().abs().max().to(ScalarType.Float64);
            max = Math.Max(max, a.item<double>());
        }

        return max;
    }

    /// <summary>eps_g(beta) = beta^(g+1) e^beta / (g+1)!, evaluated in log space (0 for beta = 0).</summary>
    /// <param name="beta">beta &gt;= 0.</param>
    /// <param name="degree">g &gt;= 0.</param>
    public static double EpsG(double beta, int degree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beta);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        if (beta == 0)
        {
            return 0;
        }

        double log = ((degree + 1) * Math.Log(beta)) + beta - MathNet.Numerics.SpecialFunctions.FactorialLn(degree + 1);
        return Math.Exp(log);
    }

    /// <summary>The bound at (beta, g, max |v|); not claimed (bound +inf) for odd g or eps_g &gt;= 1.</summary>
    /// <param name="beta">beta.</param>
    /// <param name="degree">g.</param>
    /// <param name="valueMax">max |v|.</param>
    public static TheoremBBound Evaluate(double beta, int degree, double valueMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueMax);
        double eps = EpsG(beta, degree);
        bool claimed = degree % 2 == 0 && eps < 1;
        double bound = claimed ? 2 * eps / (1 - eps) * valueMax : double.PositiveInfinity;
        return new TheoremBBound(beta, degree, eps, valueMax, bound, claimed);
    }

    /// <summary>The relative bound factor 2 eps_g / (1 - eps_g) of Theorem B; +inf when eps_g &gt;= 1 (outside the hypothesis).</summary>
    /// <param name="beta">beta.</param>
    /// <param name="degree">g.</param>
    public static double RelativeBound(double beta, int degree)
    {
        double eps = EpsG(beta, degree);
        return eps < 1 ? 2 * eps / (1 - eps) : double.PositiveInfinity;
    }

    /// <summary>
    /// The smallest even g with 2 eps_g(beta) / (1 - eps_g(beta)) &lt;= <paramref name="target"/> (Theorem B's bound factor, as
    /// PAPER.md's C13 and the corollary state it), or null when no even g up to <paramref name="maxDegree"/> reaches it.
    /// </summary>
    /// <param name="beta">beta.</param>
    /// <param name="target">Relative error target &gt; 0.</param>
    /// <param name="maxDegree">Largest g tried.</param>
    public static int? TrySmallestEvenDegree(double beta, double target, int maxDegree = 200)
    {
        if (!(target > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "the target must be > 0");
        }

        for (int g = 0; g <= maxDegree; g += 2)
        {
            if (RelativeBound(beta, g) <= target)
            {
                return g;
            }
        }

        return null;
    }

    /// <summary>
    /// The corollary's degree: the smallest even g with 2 eps_g(beta) / (1 - eps_g(beta)) &lt;= <paramref name="target"/>
    /// (for example m^-c), searched up to <paramref name="maxDegree"/>.
    /// </summary>
    /// <param name="beta">beta.</param>
    /// <param name="target">Relative error target in (0, 1].</param>
    /// <param name="maxDegree">Largest g tried.</param>
    /// <exception cref="ArgumentOutOfRangeException">No even g up to <paramref name="maxDegree"/> reaches the target.</exception>
    public static int SmallestEvenDegree(double beta, double target, int maxDegree = 200) =>
        TrySmallestEvenDegree(beta, target, maxDegree)
        ?? throw new ArgumentOutOfRangeException(nameof(target), target, $"no even g <= {maxDegree} reaches relative error {target} at beta = {beta}");
}
