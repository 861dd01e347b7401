using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Projections of tokens to per-head queries, keys or values: X [..., n, D] times W [D, H d_h] split into heads,
/// [..., H, n, d_h]. Used for Q = X W_Q, K = X W_K, V = X W_V and for the prefix K_P = P W_K, V_P = P W_V.
/// </summary>
public static class HeadProjection
{
    /// <summary>Projects and splits into heads: [..., n, D] x [D, H d_h] -&gt; [..., H, n, d_h].</summary>
    /// <param name="tokens">Rows of dimension D in the last axis (any number of leading axes, at least [n, D]).</param>
    /// <param name="weight">W [D, H d_h].</param>
    /// <param name="heads">H, which must divide the columns of <paramref name="weight"/>.</param>
    public static Tensor Project(Tensor tokens, Tensor weight, int heads = 1)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (tokens.dim() < 2)
        {
            throw new ArgumentException($"tokens must have shape [..., n, D], got {AttentionShapes.Show(tokens)}", nameof(tokens));
        }

        AttentionShapes.RequireRank(weight, 2, nameof(weight), "[D, heads * d_h]");
        AttentionShapes.RequireFloat(tokens, nameof(tokens));
        AttentionShapes.RequireSameKind(weight, tokens, nameof(weight));
        long dim = tokens.shape[^1], columns = weight.shape[1];
        if (weight.shape[0] != dim)
        {
            throw new ArgumentException($"weight must have D = {dim} rows to project tokens {AttentionShapes.Show(tokens)}, got {AttentionShapes.Show(weight)} (dimension mismatch)", nameof(weight));
        }

        if (columns % heads != 0)
        {
            throw new ArgumentException($"weight's {columns} columns do not split into {heads} heads", nameof(heads));
        }

        using var scope = NewDisposeScope();
        long n = tokens.shape[^2];
        long[] lead = tokens.shape[..^2];
        var projected = tokens.reshape(-1, dim).mm(weight);
        var split = projected.view([.. lead, n, heads, columns / heads]);
        return split.transpose(-3, -2).contiguous().MoveToOuterDisposeScope();
    }
}
