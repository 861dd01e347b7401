using NtkProofs.Attention;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>
/// One step of the released approximation-error script (<c>ntk-attn-error/ntk_attn_error.py</c>), ported faithfully except for
/// k's shape (the script's 1-D k cannot run; the documented [1, 1, d, 1] is used). The script feeds the prefix-augmented
/// sequence [P; X] to both sides: the target is softmax attention of every row of [P; X] over [P; X], and NTK-Attention gets
/// the same augmented Q, K, V plus (Z, k). The prefix is thus counted twice, and Z = 0, k = 0 reproduces the target exactly:
/// the experiment does not measure the approximation (defect C12).
/// </summary>
public static class ReleasedErrorExperiment
{
    /// <summary>The script's target Y and prediction Y_hat for one draw X.</summary>
    /// <param name="x">X [L, d].</param>
    /// <param name="prefix">P [m, d].</param>
    /// <param name="wq">W_Q [d, d].</param>
    /// <param name="wk">W_K [d, d].</param>
    /// <param name="wv">W_V [d, d].</param>
    /// <param name="z">Z [d, d].</param>
    /// <param name="k">k [d] (reshaped to [1, 1, d, 1]).</param>
    /// <returns>(Y, Y_hat), both [m + L, d], as the script computes them (float32 inside ntk_attn).</returns>
    public static (Tensor Target, Tensor Prediction) Step(Tensor x, Tensor prefix, Tensor wq, Tensor wk, Tensor wv, Tensor z, Tensor k)
    {
        AttentionShapes.RequireRank(x, 2, "X", "[L, d]");
        long d = x.shape[1];
        foreach (var (t, name) in new[] { (prefix, "P"), (wq, "W_Q"), (wk, "W_K"), (wv, "W_V"), (z, "Z") })
        {
            AttentionShapes.RequireRank(t, 2, name, "[rows, d]");
            if (t.shape[1] != d || (name != "P" && t.shape[0] != d))
            {
                throw new ArgumentException($"{name} must have d = {d} columns{(name == "P" ? string.Empty : " and rows")}, got {AttentionShapes.Show(t)} (dimension mismatch)", name);
            }
        }

        AttentionShapes.RequireRank(k, 1, "k", "[d]");
        if (k.shape[0] != d)
        {
            throw new ArgumentException($"k must have d = {d} entries, got {AttentionShapes.Show(k)} (dimension mismatch)", nameof(k));
        }

        using var scope = NewDisposeScope();
        var augmented = cat([prefix, x], 0);
        var q = augmented.mm(wq);
        var keys = augmented.mm(wk);
        var v = augmented.mm(wv);
        var target = (q.mm(keys.t()) / Math.Sqrt(d)).softmax(-1).mm(v);
        long n = augmented.shape[0];
        var prediction = ReleasedReferenceAttention.Forward(
            q.reshape(1, 1, n, d), keys.reshape(1, 1, n, d), v.reshape(1, 1, n, d), k.reshape(1, 1, d, 1), z.reshape(1, 1, d, d), causalMask: false).reshape(n, d);
        return (target.MoveToOuterDisposeScope(), prediction.MoveToOuterDisposeScope());
    }
}
