using TorchSharp;
using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Kernels;

/// <summary>
/// The empirical NTK H(theta) of a <see cref="PrefixModel"/> (THEORY.md Part A), as the project reports it:
/// rows and columns indexed (sample i, output l), sample-major; with the linear output scale the kernel is divided by m
/// (it equals the sqrt(m)-scale kernel at the same parameters). Built from matrix products only, streaming the prefix in
/// cache-sized blocks (two passes: online softmax statistics, then the Gram products) so that no n x m or (n c) x m matrix
/// is ever materialized.
/// </summary>
public static class EmpiricalKernel
{
    /// <summary>The largest number of elements of the per-block gradient factor G_s (n c x block).</summary>
    public const long BlockElements = 1L << 17;

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
        return UsesFusedPath(model, x) ? ComputeFused(model, x) : ComputeWithTorch(model, x);
    }

    /// <summary>
    /// Whether <see cref="Compute"/> takes the fused CPU path (<see cref="FusedCpuKernel"/>): float64 on the CPU, fixed or
    /// separate values, on a machine with 256-bit FMA vectors. Otherwise (CUDA, tied values) it runs torch block products.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="x">n x d inputs.</param>
    internal static bool UsesFusedPath(PrefixModel model, Tensor x) =>
        FusedCpuKernel.IsSupported && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float64 && model.Prefix.dtype == ScalarType.Float64
        && model.Prefix.device_type == DeviceType.CPU && model.Spec.ValuePath != ValuePath.TiedValue;

    /// <summary>The fused CPU path of <see cref="Compute"/> (fixed and separate values, float64 CPU tensors).</summary>
    /// <param name="model">The model.</param>
    /// <param name="x">n x d inputs.</param>
    internal static Tensor ComputeFused(PrefixModel model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        InputValidation.RequireFiniteMatrix(x, model.Spec.InputDim, nameof(x));
        if (model.Spec.ValuePath == ValuePath.TiedValue)
        {
            throw new ArgumentException("the fused CPU kernel covers the fixed and separate value paths", nameof(model));
        }

        using var scope = NewDisposeScope();
        int n = (int)x.shape[0], m = model.Spec.PrefixLength, d = model.Spec.InputDim, c = model.Spec.OutputDim;
        bool separate = model.Spec.ValuePath == ValuePath.SeparateValue;
        var inputs = Rent(x);
        // The prefix (m x d, the largest input) is read in place from its storage, not copied.
        using var prefixData = model.Prefix.detach().contiguous();
        if (prefixData.dtype != ScalarType.Float64 || prefixData.device_type != DeviceType.CPU)
        {
            throw new ArgumentException("the fused CPU kernel needs a float64 CPU prefix", nameof(model));
        }

        var prefix = DoubleBuffer.InPlace(prefixData.bytes);
        var values = Rent(model.ValueMatrix);
        double[] keyGramData;
        double[]? weightGramData;
        try
        {
            (keyGramData, weightGramData) = FusedCpuKernel.Grams(inputs, prefix, values, n, d, m, c, separate, NtkProofs.Numerics.TorchRuntime.Threads);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(inputs);
            System.Buffers.ArrayPool<double>.Shared.Return(values);
        }

        var weightGram = weightGramData is null ? null : tensor(weightGramData, [n, n], ScalarType.Float64, x.device);
        return Combine(tensor(keyGramData, [n * c, n * c], ScalarType.Float64, x.device), weightGram, x, c).MoveToOuterDisposeScope();
    }

    /// <summary>The torch path of <see cref="Compute"/> (any device, every value path).</summary>
    /// <param name="model">The model.</param>
    /// <param name="x">n x d inputs.</param>
    internal static Tensor ComputeWithTorch(PrefixModel model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        InputValidation.RequireFiniteMatrix(x, model.Spec.InputDim, nameof(x));
        using var scope = NewDisposeScope();
        long n = x.shape[0], m = model.Spec.PrefixLength, d = model.Spec.InputDim, c = model.Spec.OutputDim;
        var valuePath = model.Spec.ValuePath;
        long block = BlockLength(n, c, m);

        // Pass 1 (online softmax statistics, one cache-sized block of prefix rows at a time): the log-normalizer of every
        // row and the attention-weighted value mean mu, without materializing the n x m weights.
        var (logNormalizer, mean) = SoftmaxStatistics(model, x, block);

        // Pass 2: recompute each block's weights and accumulate the Gram products.
        var keyGram = zeros(n * c, n * c, dtype: ScalarType.Float64, device: x.device);
        var weightGram = valuePath != ValuePath.FixedValue ? zeros(n, n, dtype: ScalarType.Float64, device: x.device) : null;
        var cross = valuePath == ValuePath.TiedValue ? zeros(n, n * c, dtype: ScalarType.Float64, device: x.device) : null;
        var shift = logNormalizer - (0.5 * Math.Log(m));                                    // exp(l - shift) = sqrt(m) S
        var valuesT = model.ValueMatrix.t().contiguous();                                   // c x m
        for (long start = 0; start < m; start += block)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(block, m - start);
            var s = x.mm(model.Prefix.narrow(0, start, len).t()).sub_(shift).exp_();          // sqrt(m) S, n x b
            var factor = valuesT.narrow(1, start, len).unsqueeze(0).sub(mean.unsqueeze(2))     // n x c x b
                .mul_(s.unsqueeze(1)).reshape(n * c, len);
            AddUpperGram(keyGram, factor);
            if (weightGram is not null)
            {
                AddUpperGram(weightGram, s);
            }

            cross?.addmm_(s, factor.t());
        }

        MirrorUpper(keyGram);
        if (weightGram is not null)
        {
            MirrorUpper(weightGram);
        }

        var kernel = Combine(keyGram, weightGram, x, c);
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

    /// <summary>Rows per block of <see cref="AddUpperGram"/>: the diagonal blocks add (block / rows) / 2 of the full product's work.</summary>
    internal const long GramRowBlock = 128;

    /// <summary>
    /// gram += a a^T on and above the block diagonal only (the lower blocks are left as they were): per row block I, one
    /// product a_I a_{I..}^T, so about half the work of the full product for many blocks, each product still GEMM-sized.
    /// <see cref="MirrorUpper"/> then fills the lower triangle.
    /// </summary>
    /// <param name="gram">N x N accumulator.</param>
    /// <param name="a">N x b factor.</param>
    internal static void AddUpperGram(Tensor gram, Tensor a)
    {
        long rows = a.shape[0];
        if (rows <= GramRowBlock)
        {
            gram.addmm_(a, a.t());
            return;
        }

        for (long start = 0; start < rows; start += GramRowBlock)
        {
            long len = Math.Min(GramRowBlock, rows - start);
            using var target = gram.narrow(0, start, len).narrow(1, start, rows - start);
            using var left = a.narrow(0, start, len);
            using var right = a.narrow(0, start, rows - start).t();
            target.addmm_(left, right);
        }
    }

    /// <summary>Copies the upper triangle of a Gram matrix accumulated by <see cref="AddUpperGram"/> onto its lower triangle.</summary>
    /// <param name="gram">N x N, in place.</param>
    internal static void MirrorUpper(Tensor gram)
    {
        if (gram.shape[0] <= GramRowBlock)
        {
            return;
        }

        using var upper = gram.triu();
        using var strict = gram.triu(1).t();
        gram.copy_(upper).add_(strict);
    }

    // H = keyGram o (X X^T (x) 1_cc) [+ weightGram (x) I_c], in place in keyGram.
    private static Tensor Combine(Tensor keyGram, Tensor? weightGram, Tensor x, long c)
    {
        var kernel = keyGram.mul_(kron(x.mm(x.t()), ones(c, c, dtype: ScalarType.Float64, device: x.device)));
        if (weightGram is not null)
        {
            kernel.add_(kron(weightGram, eye(c, dtype: ScalarType.Float64, device: x.device)));
        }

        return kernel;
    }

    // A pooled copy of a float64 CPU tensor's elements (one memory copy; TensorAccessor.ToArray copies element by element).
    private static double[] Rent(Tensor t)
    {
        using var contiguous = t.detach().contiguous();
        var array = System.Buffers.ArrayPool<double>.Shared.Rent((int)contiguous.numel());
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(contiguous.bytes).CopyTo(array);
        return array;
    }

    /// <summary>The number of prefix rows per block: the (n c) x block factor stays within <see cref="BlockElements"/>.</summary>
    /// <param name="n">Samples.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="m">Prefix length.</param>
    internal static long BlockLength(long n, long c, long m) => Math.Max(1, Math.Min(m, BlockElements / Math.Max(1, n * c)));

    /// <summary>
    /// Streams the prefix once and returns, per input row, log sum_r exp(&lt;p_r, x&gt;) and mu = sum_r S_r value_r, with a
    /// running maximum so that no exponential overflows.
    /// </summary>
    private static (Tensor LogNormalizer, Tensor Mean) SoftmaxStatistics(PrefixModel model, Tensor x, long block)
    {
        long n = x.shape[0], m = model.Spec.PrefixLength, c = model.Spec.OutputDim;
        var runningMax = full(n, 1, double.NegativeInfinity, dtype: ScalarType.Float64, device: x.device);
        var runningSum = zeros(n, 1, dtype: ScalarType.Float64, device: x.device);
        var weighted = zeros(n, c, dtype: ScalarType.Float64, device: x.device);
        for (long start = 0; start < m; start += block)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(block, m - start);
            var logits = x.mm(model.Prefix.narrow(0, start, len).t());
            var newMax = maximum(runningMax, logits.amax([1], keepdim: true));
            var rescale = (runningMax - newMax).exp_();
            var e = logits.sub_(newMax).exp_();
            runningSum.mul_(rescale).add_(e.sum(1, keepdim: true));
            weighted.mul_(rescale).add_(e.mm(model.ValueMatrix.narrow(0, start, len)));
            runningMax.copy_(newMax);
        }

        var logNormalizer = runningMax + runningSum.log();
        return (logNormalizer, weighted.div_(runningSum));
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
