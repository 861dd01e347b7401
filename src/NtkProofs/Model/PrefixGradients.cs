using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>
/// The closed-form Jacobian and loss gradient of a prefix model, given one forward pass's prefix weights S and value mean mu.
/// Shared by <see cref="PrefixModel"/> (S = softmax over the prefix) and <see cref="CausalPrefixModel"/> (S = the prefix
/// block of a softmax over [prefix; input tokens], mu including the input tokens' values): in both, with the softmax taken
/// jointly, dF_l/dp_r = alpha S_r (value_{r,l} - mu_l) x (+ alpha S_r e_l on the tied path) and dF_l/dv_{r,l'} =
/// alpha S_r delta_{l,l'}, because input-token logits and values do not depend on the parameters.
/// </summary>
internal static class PrefixGradients
{
    /// <summary>
    /// The dense Jacobian (n c) x (#trainable), rows sample-major then output coordinate, columns vec(P) row-major followed
    /// (separate path) by vec(V) row-major. <paramref name="weights"/> and <paramref name="valueMatrix"/> may be a block of
    /// prefix rows (then the columns are those rows' parameters only).
    /// </summary>
    /// <param name="spec">The model spec (value path, d, c).</param>
    /// <param name="alpha">alpha(m).</param>
    /// <param name="valueMatrix">Values of the prefix rows (the prefix itself on the tied path), b x c.</param>
    /// <param name="weights">Prefix weights S, n x b.</param>
    /// <param name="mean">mu, n x c.</param>
    /// <param name="x">n x d inputs.</param>
    public static Tensor Jacobian(PrefixModelSpec spec, double alpha, Tensor valueMatrix, Tensor weights, Tensor mean, Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], m = weights.shape[1], d = spec.InputDim, c = spec.OutputDim;
        var s = weights * alpha;                                                      // n x m
        var centered = valueMatrix.t().unsqueeze(0) - mean.unsqueeze(2);              // n x c x m
        var keyPart = (s.unsqueeze(1) * centered).unsqueeze(3) * x.unsqueeze(1).unsqueeze(2); // n x c x m x d
        if (spec.ValuePath == ValuePath.TiedValue)
        {
            keyPart = keyPart + s.unsqueeze(1).unsqueeze(3) * eye(d, dtype: ScalarType.Float64, device: s.device).unsqueeze(0).unsqueeze(2);
        }

        var jacobian = keyPart.reshape(n * c, m * d);
        if (spec.ValuePath == ValuePath.SeparateValue)
        {
            var valuePart = s.unsqueeze(1).unsqueeze(3) * eye(c, dtype: ScalarType.Float64, device: s.device).unsqueeze(0).unsqueeze(2); // n x c x m x c
            jacobian = cat([jacobian, valuePart.reshape(n * c, m * c)], 1);
        }

        return jacobian.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The gradient of L = 1/2 sum ||F - y||^2: with residual E = F - Y and Q_ir = alpha S_ir (&lt;value_r, e_i&gt; -
    /// &lt;mu_i, e_i&gt;), dL/dP = Q^T X, plus alpha S^T E on the tied path; dL/dV = alpha S^T E on the separate path.
    /// </summary>
    /// <param name="spec">The model spec.</param>
    /// <param name="alpha">alpha(m).</param>
    /// <param name="valueMatrix">m x c values (the prefix on the tied path).</param>
    /// <param name="forward">The forward pass (S, mu, F).</param>
    /// <param name="x">n x d inputs.</param>
    /// <param name="y">n x c targets.</param>
    public static (Tensor Prefix, Tensor? Values) LossGradient(PrefixModelSpec spec, double alpha, Tensor valueMatrix, PrefixForward forward, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var residual = forward.Output - y;                                   // n x c
        var s = forward.Weights * alpha;                                     // n x m
        var projected = residual.mm(valueMatrix.t()) - (forward.Mean * residual).sum(1, keepdim: true); // n x m
        var gradPrefix = (s * projected).t().mm(x);                          // m x d
        Tensor? gradValues = null;
        if (spec.ValuePath != ValuePath.FixedValue)
        {
            var valueGrad = s.t().mm(residual);                              // m x c
            if (spec.ValuePath == ValuePath.TiedValue)
            {
                gradPrefix = gradPrefix + valueGrad;
            }
            else
            {
                gradValues = valueGrad.MoveToOuterDisposeScope();
            }
        }

        return (gradPrefix.MoveToOuterDisposeScope(), gradValues);
    }
}
