using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Kernels;

/// <summary>
/// The empirical NTK H(theta) of a <see cref="PrefixModel"/> (THEORY.md Part A), as the project reports it:
/// rows and columns indexed (sample i, output l), sample-major; with the linear output scale the kernel is divided by m
/// (it equals the sqrt(m)-scale kernel at the same parameters). Built from matrix products only, streaming the prefix in
/// blocks so that no (n c) x m block larger than <see cref="BlockElements"/> is materialized.
/// </summary>
public static class EmpiricalKernel
{
    /// <summary>The largest number of elements of the per-block gradient factor G_s (n c x block).</summary>
    public const long BlockElements = 1L << 21;

    /// <summary>
    /// Computes the reported empirical kernel at the model's current parameters.
    /// FixedValue/SeparateValue: H = (G_s G_s^T) o (X X^T (x) 1_cc) [+ m S S^T (x) I_c], with
    /// G_s[(i,l), r] = sqrt(m) S_ir (value_rl - mu_il). TiedValue adds the value path m S S^T (x) I_d and the two cross terms
    /// x_j (sum_r w_ijr u_jr)^T and (sum_r w_ijr u_ir) x_i^T with w_ijr = m S_ir S_jr, u_ir = p_r - mu_i.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="x">n x d inputs.</param>
    /// <returns>A symmetric (n c) x (n c) float64 matrix.</returns>
    public static Tensor Compute(PrefixModel model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        InputValidation.RequireFiniteMatrix(x, model.Spec.InputDim, nameof(x));
        using var scope = NewDisposeScope();
        long n = x.shape[0], m = model.Spec.PrefixLength, d = model.Spec.InputDim, c = model.Spec.OutputDim;
        var valuePath = model.Spec.ValuePath;
        double rootM = Math.Sqrt(m);

        var logits = x.mm(model.Prefix.t());
        var logNormalizer = logits.logsumexp(1, keepdim: true);
        var mean = nn.functional.softmax(logits, 1).mm(model.ValueMatrix); // n x c

        var keyGram = zeros(n * c, n * c, dtype: ScalarType.Float64);
        var weightGram = zeros(n, n, dtype: ScalarType.Float64);
        var cross = valuePath == ValuePath.TiedValue ? zeros(n, n * c, dtype: ScalarType.Float64) : null;
        long block = Math.Max(1, Math.Min(m, BlockElements / Math.Max(1, n * c)));
        for (long start = 0; start < m; start += block)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(block, m - start);
            var s = logits.narrow(1, start, len).sub(logNormalizer).exp_().mul_(rootM);         // sqrt(m) S, n x b
            var value = model.ValueMatrix.narrow(0, start, len);                                // b x c
            var factor = value.t().unsqueeze(0).sub(mean.unsqueeze(2)).mul_(s.unsqueeze(1))     // n x c x b
                .reshape(n * c, len);
            keyGram.addmm_(factor, factor.t());
            if (valuePath != ValuePath.FixedValue)
            {
                weightGram.addmm_(s, s.t());
            }

            cross?.addmm_(s, factor.t());
        }

        var kernel = keyGram.mul_(kron(x.mm(x.t()), ones(c, c, dtype: ScalarType.Float64)));
        if (valuePath != ValuePath.FixedValue)
        {
            kernel.add_(kron(weightGram, eye(c, dtype: ScalarType.Float64)));
        }

        if (cross is not null)
        {
            // cross[i, (j, l')] = sum_r m S_ir S_jr (p_rl' - mu_jl').
            var c4 = cross.view(n, n, d);
            var term2 = x.t().unsqueeze(0).unsqueeze(3) * c4.unsqueeze(1);          // [i, l, j, l'] = x_jl c4[i, j, l']
            var term3 = c4.permute(1, 2, 0).unsqueeze(3) * x.unsqueeze(1).unsqueeze(2); // [i, l, j, l'] = c4[j, i, l] x_il'
            kernel.add_((term2 + term3).reshape(n * d, n * d));
        }

        return kernel.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference construction: H = J J^T from the dense analytic Jacobian (<see cref="PrefixModel.Jacobian"/>), divided
    /// by m with the linear scale. Memory n c m (d + c); for small checks.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="x">n x d inputs.</param>
    public static Tensor FromJacobian(PrefixModel model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var j = model.Jacobian(x);
        var h = j.mm(j.t()) / model.Spec.Scale.KernelFactor(model.Spec.PrefixLength);
        return h.MoveToOuterDisposeScope();
    }
}
