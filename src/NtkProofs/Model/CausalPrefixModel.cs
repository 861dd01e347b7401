using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>
/// The stylized L &gt; 1 query model of THEORY.md A.2. Each of n samples has L unit-norm query tokens x_{i,1..L} (the rows of
/// an (n L) x d input, sample-major); token t attends with logits &lt;p_r, x_{i,t}&gt; over the m prefix rows and with logits
/// &lt;x_{i,s}, x_{i,t}&gt; over the input tokens s &lt;= t (<see cref="QueryMask.Causal"/>) or all s (<see cref="QueryMask.Full"/>);
/// input tokens carry fixed values u_{i,s} (|u| &lt;= 1, not trainable); F(x_{i,t}) = alpha (sum_r S_r value_r + sum_s T_s u_{i,s})
/// with one softmax over [prefix; visible inputs] and prefix values as in the chosen <see cref="ValuePath"/>. The samples
/// (rows of the kernel) are the n L query tokens. With <see cref="QueryMask.None"/> there are no input tokens and the model
/// is Part A's <see cref="PrefixModel"/> on the n L queries, exactly. The trainable parameters, their initialization, the
/// centred option and the update are those of the wrapped <see cref="PrefixModel"/>; the Jacobian and the gradient use its
/// closed forms (<see cref="PrefixGradients"/>) with the prefix block of the joint softmax. All tensors float64 on the CPU.
/// </summary>
public sealed class CausalPrefixModel : IDisposable
{
    private readonly PrefixModel prefixModel;
    private readonly Tensor? tokenValues;

    /// <summary>Builds a model around a copy of <paramref name="prefixModel"/>'s parameters.</summary>
    /// <param name="prefixModel">The prefix part (copied; a centred model keeps its theta_0).</param>
    /// <param name="queryLength">L, the query tokens per sample (at least 1).</param>
    /// <param name="mask">Which input tokens a query sees.</param>
    /// <param name="tokenValues">(n L) x c fixed input-token values with |u| &lt;= 1, rows aligned with the query rows; null for <see cref="QueryMask.None"/>.</param>
    public CausalPrefixModel(PrefixModel prefixModel, int queryLength, QueryMask mask, Tensor? tokenValues)
    {
        ArgumentNullException.ThrowIfNull(prefixModel);
        if (queryLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(queryLength), queryLength, "query length L must be at least 1");
        }

        if (!Enum.IsDefined(mask))
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, "unknown query mask");
        }

        if (mask == QueryMask.None)
        {
            if (tokenValues is not null)
            {
                throw new ArgumentException("the prefix-only model (mask None) has no input tokens, so it takes no token values", nameof(tokenValues));
            }
        }
        else
        {
            if (tokenValues is null)
            {
                throw new ArgumentException($"the {mask} model needs (n L) x c input-token values", nameof(tokenValues));
            }

            InputValidation.RequireFiniteMatrix(tokenValues, prefixModel.Spec.OutputDim, nameof(tokenValues));
            if (tokenValues.shape[0] % queryLength != 0)
            {
                throw new ArgumentException($"token values must have n L rows (a multiple of L = {queryLength}), got {tokenValues.shape[0]}", nameof(tokenValues));
            }

            using var norms = linalg.vector_norm(tokenValues, dims: [1]);
            if (norms.max().item<double>() > 1 + 1e-12)
            {
                throw new ArgumentException("input-token values must have norm at most 1", nameof(tokenValues));
            }

            this.tokenValues = tokenValues.detach().clone().DetachFromDisposeScope();
        }

        this.prefixModel = prefixModel.Clone();
        QueryLength = queryLength;
        Mask = mask;
    }

    /// <summary>The prefix part's shape and options.</summary>
    public PrefixModelSpec Spec => prefixModel.Spec;

    /// <summary>L.</summary>
    public int QueryLength { get; }

    /// <summary>Which input tokens a query sees.</summary>
    public QueryMask Mask { get; }

    /// <summary>alpha(m).</summary>
    public double Alpha => prefixModel.Alpha;

    /// <summary>The prefix P (m x d). Live view; do not dispose.</summary>
    public Tensor Prefix => prefixModel.Prefix;

    /// <summary>The fixed signs or separate values (m x c); null on the tied path. Live view; do not dispose.</summary>
    public Tensor? Values => prefixModel.Values;

    /// <summary>The fixed input-token values, (n L) x c; null without input tokens. Do not dispose.</summary>
    public Tensor? TokenValues => tokenValues;

    /// <summary>
    /// Draws a model at initialization: the prefix part as <see cref="PrefixModel.Initialize"/>, and (with input tokens)
    /// token values with i.i.d. entries uniform in [-1, 1] / sqrt(c), so |u| &lt;= 1.
    /// </summary>
    /// <param name="spec">The prefix part's spec.</param>
    /// <param name="samples">n.</param>
    /// <param name="queryLength">L.</param>
    /// <param name="mask">Which input tokens a query sees.</param>
    /// <param name="prefixSeed">Seed of the prefix draw.</param>
    /// <param name="tokenSeed">Seed of the token values.</param>
    /// <param name="placement">Device of every tensor (null: CPU).</param>
    public static CausalPrefixModel Initialize(PrefixModelSpec spec, int samples, int queryLength, QueryMask mask, long prefixSeed, long tokenSeed, DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryLength, 1);
        using var prefix = PrefixModel.Initialize(spec, prefixSeed, placement: placement);
        using var values = mask == QueryMask.None ? null : InputSets.Targets(checked(samples * queryLength), spec.OutputDim, tokenSeed, placement);
        return new CausalPrefixModel(prefix, queryLength, mask, values);
    }

    /// <summary>
    /// Runs the model on (n L) x d queries: S (the prefix block of the joint softmax, (n L) x m), mu (including the input
    /// tokens' values) and F (centred when the spec says so: F - F(theta_0), the same input tokens on both sides).
    /// </summary>
    /// <param name="x">(n L) x d float64 queries, sample-major (rows i L .. i L + L - 1 are sample i's tokens 1..L).</param>
    public PrefixForward Forward(Tensor x)
    {
        RequireQueries(x);
        using var scope = NewDisposeScope();
        var (weights, mean) = Attend(x, prefixModel.Prefix, prefixModel.ValueMatrix);
        var output = mean * Alpha;
        if (prefixModel.InitialPrefix is { } p0)
        {
            var (_, reference) = Attend(x, p0, prefixModel.InitialValues ?? p0);
            output = output - (reference * Alpha);
        }

        return new PrefixForward(weights.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), output.MoveToOuterDisposeScope());
    }

    /// <summary>F(x), (n L) x c.</summary>
    /// <param name="x">(n L) x d queries.</param>
    public Tensor Output(Tensor x)
    {
        using var forward = Forward(x);
        return forward.Output.clone();
    }

    /// <summary>The share of attention weight on the input tokens, averaged over queries (0 without input tokens).</summary>
    /// <param name="x">(n L) x d queries.</param>
    public double InputShare(Tensor x)
    {
        using var forward = Forward(x);
        using var prefixShare = forward.Weights.sum(1).mean();
        return 1 - prefixShare.item<double>();
    }

    /// <summary>The dense analytic Jacobian dF/dtheta, (n L c) x (#trainable), ordered as <see cref="PrefixModel.Jacobian"/>.</summary>
    /// <param name="x">(n L) x d queries.</param>
    public Tensor Jacobian(Tensor x)
    {
        using var forward = Forward(x);
        return PrefixGradients.Jacobian(Spec, Alpha, prefixModel.ValueMatrix, forward.Weights, forward.Mean, x);
    }

    /// <summary>
    /// The reported empirical kernel H = J J^T / (alpha^2 / m) on the n L queries, accumulated over blocks of prefix rows
    /// (the Jacobian's columns split by prefix row, so H = sum over blocks of J_b J_b^T) to bound memory.
    /// </summary>
    /// <param name="x">(n L) x d queries.</param>
    public Tensor Kernel(Tensor x)
    {
        using var forward = Forward(x);
        using var scope = NewDisposeScope();
        long rows = x.shape[0] * Spec.OutputDim, m = Spec.PrefixLength;
        long perRow = (Spec.InputDim + (Spec.ValuePath == ValuePath.SeparateValue ? Spec.OutputDim : 0)) * rows;
        long block = Math.Max(1, Math.Min(m, (1L << 20) / Math.Max(1, perRow)));
        var kernel = zeros(rows, rows, dtype: ScalarType.Float64, device: x.device);
        for (long start = 0; start < m; start += block)
        {
            using var inner = NewDisposeScope();
            long len = Math.Min(block, m - start);
            var j = PrefixGradients.Jacobian(Spec, Alpha, prefixModel.ValueMatrix.narrow(0, start, len), forward.Weights.narrow(1, start, len), forward.Mean, x);
            kernel.addmm_(j, j.t());
        }

        return kernel.div_(Spec.Scale.KernelFactor(m)).MoveToOuterDisposeScope();
    }

    /// <summary>The gradient of L = 1/2 sum ||F - y||^2 (prefix m x d; values m x c on the separate path, else null).</summary>
    /// <param name="x">(n L) x d queries.</param>
    /// <param name="y">(n L) x c targets.</param>
    public (Tensor Prefix, Tensor? Values) LossGradient(Tensor x, Tensor y)
    {
        InputValidation.RequireTargets(y, x.shape[0], Spec.OutputDim, nameof(y));
        using var forward = Forward(x);
        return PrefixGradients.LossGradient(Spec, Alpha, prefixModel.ValueMatrix, forward, x, y);
    }

    /// <summary>The loss gradient from a forward pass already computed at the current parameters (one pass per training step).</summary>
    /// <param name="forward">The forward pass of <paramref name="x"/>.</param>
    /// <param name="x">(n L) x d queries.</param>
    /// <param name="y">(n L) x c targets.</param>
    internal (Tensor Prefix, Tensor? Values) LossGradient(PrefixForward forward, Tensor x, Tensor y) =>
        PrefixGradients.LossGradient(Spec, Alpha, prefixModel.ValueMatrix, forward, x, y);

    /// <summary>One gradient-descent update of the prefix part, in place (input-token values never move).</summary>
    /// <param name="gradPrefix">dL/dP.</param>
    /// <param name="gradValues">dL/dV or null.</param>
    /// <param name="eta">Step size.</param>
    public void Step(Tensor gradPrefix, Tensor? gradValues, double eta) => prefixModel.Step(gradPrefix, gradValues, eta);

    /// <inheritdoc />
    public void Dispose()
    {
        prefixModel.Dispose();
        tokenValues?.Dispose();
    }

    private (Tensor Weights, Tensor Mean) Attend(Tensor x, Tensor prefix, Tensor values)
    {
        var prefixLogits = x.mm(prefix.t());
        if (Mask == QueryMask.None)
        {
            // Part A's forward pass, operation for operation.
            var w = nn.functional.softmax(prefixLogits, 1);
            return (w, w.mm(values));
        }

        long n = x.shape[0] / QueryLength, l = QueryLength, d = x.shape[1], m = prefix.shape[0], c = values.shape[1];
        var tokens = x.view(n, l, d);
        var tokenLogits = tokens.bmm(tokens.transpose(1, 2));                   // [i, t, s] = <x_{i,t}, x_{i,s}>
        if (Mask == QueryMask.Causal)
        {
            var future = ones(l, l, dtype: ScalarType.Bool, device: x.device).triu(1);            // s > t
            tokenLogits = tokenLogits.masked_fill(future.unsqueeze(0), double.NegativeInfinity);
        }

        var joint = nn.functional.softmax(cat([prefixLogits, tokenLogits.reshape(n * l, l)], 1), 1);
        var weights = joint.narrow(1, 0, m);
        var tokenWeights = joint.narrow(1, m, l).reshape(n, l, l);
        var mean = weights.mm(values) + tokenWeights.bmm(tokenValues!.view(n, l, c)).reshape(n * l, c);
        return (weights, mean);
    }

    private void RequireQueries(Tensor x)
    {
        InputValidation.RequireFiniteMatrix(x, Spec.InputDim, nameof(x));
        if (x.shape[0] % QueryLength != 0)
        {
            throw new ArgumentException($"queries must have n L rows (a multiple of L = {QueryLength}), got {x.shape[0]}", nameof(x));
        }

        if (tokenValues is not null && tokenValues.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"queries have {x.shape[0]} rows but the input tokens carry {tokenValues.shape[0]} values (dimension mismatch)", nameof(x));
        }
    }
}
