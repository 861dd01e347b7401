using NtkProofs.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>
/// The stylized one-layer prefix model of THEORY.md Part A: F(x) = alpha(m) sum_r S_r(x) value_r with
/// S_r(x) = softmax_r(&lt;p_r, x&gt;). One type serves all three <see cref="ValuePath"/>s. All tensors are float64 on the CPU.
/// The model owns its parameter tensors; <see cref="Step"/> updates them in place.
/// </summary>
public sealed class PrefixModel : IDisposable
{
    private readonly Tensor prefix;
    private readonly Tensor? values;
    private readonly Tensor? initialPrefix;
    private readonly Tensor? initialValues;

    /// <summary>Builds a model from explicit parameters (copied).</summary>
    /// <param name="spec">Shape and options; validated.</param>
    /// <param name="prefix">P, m x d.</param>
    /// <param name="values">A (fixed signs) or V (separate values), m x c; must be null for the tied path.</param>
    public PrefixModel(PrefixModelSpec spec, Tensor prefix, Tensor? values)
        : this(spec, prefix, values, null, null)
    {
    }

    private PrefixModel(PrefixModelSpec spec, Tensor prefix, Tensor? values, Tensor? referencePrefix, Tensor? referenceValues)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec.Validated();
        InputValidation.RequireFiniteMatrix(prefix, spec.InputDim, nameof(prefix));
        if (prefix.shape[0] != spec.PrefixLength)
        {
            throw new ArgumentException($"prefix must have m = {spec.PrefixLength} rows, got {prefix.shape[0]} (dimension mismatch)", nameof(prefix));
        }

        if (spec.ValuePath == ValuePath.TiedValue)
        {
            if (values is not null)
            {
                throw new ArgumentException("the tied value path takes no separate values (the prefix rows are the values)", nameof(values));
            }
        }
        else
        {
            if (values is null)
            {
                throw new ArgumentException($"the {spec.ValuePath} path needs an m x c value matrix", nameof(values));
            }

            InputValidation.RequireFiniteMatrix(values, spec.OutputDim, nameof(values));
            if (values.shape[0] != spec.PrefixLength)
            {
                throw new ArgumentException($"values must have m = {spec.PrefixLength} rows, got {values.shape[0]} (dimension mismatch)", nameof(values));
            }

            if (spec.ValuePath == ValuePath.FixedValue)
            {
                using var isSign = (values.abs() - 1.0).abs().max();
                if (isSign.item<double>() > 0)
                {
                    throw new ArgumentException("fixed values must be signs in {-1, +1}", nameof(values));
                }
            }
        }

        // The model owns its parameters: keep them out of any dispose scope that is active at construction.
        this.prefix = prefix.detach().clone().DetachFromDisposeScope();
        this.values = values?.detach().clone().DetachFromDisposeScope();
        if (Spec.Centred)
        {
            // theta_0 of the centred output: the parameters at construction, unless a clone carries its original's.
            initialPrefix = (referencePrefix ?? prefix).detach().clone().DetachFromDisposeScope();
            initialValues = (referenceValues ?? values)?.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>The model's shape and options.</summary>
    public PrefixModelSpec Spec { get; }

    /// <summary>alpha(m).</summary>
    public double Alpha => Spec.Scale.Alpha(Spec.PrefixLength);

    /// <summary>The prefix P (m x d). Live view of the parameter; do not dispose.</summary>
    public Tensor Prefix => prefix;

    /// <summary>The fixed signs A or separate values V (m x c); null on the tied path. Live view; do not dispose.</summary>
    public Tensor? Values => values;

    /// <summary>theta_0's prefix P(0) of a centred model (see <see cref="PrefixModelSpec.Centred"/>); null otherwise. Do not dispose.</summary>
    public Tensor? InitialPrefix => initialPrefix;

    /// <summary>theta_0's values of a centred model on the fixed and separate paths; null otherwise. Do not dispose.</summary>
    public Tensor? InitialValues => initialValues;

    /// <summary>The value matrix used by the forward pass: the prefix itself on the tied path. Live view.</summary>
    public Tensor ValueMatrix => values ?? prefix;

    /// <summary>Number of trainable scalars: m d, plus m c on the separate path.</summary>
    public long TrainableParameterCount =>
        (long)Spec.PrefixLength * Spec.InputDim + (Spec.ValuePath == ValuePath.SeparateValue ? (long)Spec.PrefixLength * Spec.OutputDim : 0);

    /// <summary>Draws a model at initialization: P ~ N(0, sigma^2), signs uniform, values N(0, 1).</summary>
    /// <param name="spec">Shape and options.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="init">Random or antisymmetric (F(0) = 0) initialization.</param>
    /// <param name="placement">Device of the parameters (default CPU); drawn on the CPU either way.</param>
    public static PrefixModel Initialize(PrefixModelSpec spec, long seed, PrefixInit init = PrefixInit.Random, DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validated();
        int m = spec.PrefixLength, d = spec.InputDim, c = spec.OutputDim;
        if (init == PrefixInit.Symmetric && (m % 2 != 0 || spec.ValuePath == ValuePath.TiedValue))
        {
            throw new ArgumentException("symmetric initialization needs an even prefix length and the fixed or separate value path", nameof(init));
        }

        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        int rows = init == PrefixInit.Symmetric ? m / 2 : m;
        var at = placement ?? DevicePlacement.Cpu;
        var p = at.Randn(generator, ScalarType.Float64, rows, d) * spec.Sigma;
        Tensor? v = spec.ValuePath switch
        {
            ValuePath.FixedValue => at.Randint(generator, 0, 2, ScalarType.Float64, rows, c) * 2.0 - 1.0,
            ValuePath.SeparateValue => at.Randn(generator, ScalarType.Float64, rows, c),
            _ => null,
        };
        if (init == PrefixInit.Symmetric)
        {
            p = cat([p, p], 0);
            v = cat([v!, -v!], 0);
        }

        return new PrefixModel(spec, p, v);
    }

    /// <summary>A deep copy with its own parameter tensors.</summary>
    public PrefixModel Clone() => new(Spec, prefix, values, initialPrefix, initialValues);

    /// <summary>Runs the model on n x d inputs and returns S, mu and F (F_c = F - F(theta_0) for a centred model; mu is never centred).</summary>
    /// <param name="x">n x d float64 inputs (finite; unit norm is not enforced here, see <see cref="InputValidation"/>).</param>
    public PrefixForward Forward(Tensor x)
    {
        InputValidation.RequireFiniteMatrix(x, Spec.InputDim, nameof(x));
        using var scope = NewDisposeScope();
        var weights = nn.functional.softmax(x.mm(prefix.t()), 1);
        var mean = weights.mm(ValueMatrix);
        var output = mean * Alpha;
        if (initialPrefix is not null)
        {
            var reference = nn.functional.softmax(x.mm(initialPrefix.t()), 1).mm(initialValues ?? initialPrefix) * Alpha;
            output = output - reference;
        }

        return new PrefixForward(weights.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), output.MoveToOuterDisposeScope());
    }

    /// <summary>F(x), n x c.</summary>
    /// <param name="x">n x d inputs.</param>
    public Tensor Output(Tensor x)
    {
        using var forward = Forward(x);
        return forward.Output.clone();
    }

    /// <summary>L = 1/2 sum_i ||F(x_i) - y_i||^2.</summary>
    /// <param name="x">n x d inputs.</param>
    /// <param name="y">n x c targets.</param>
    public double Loss(Tensor x, Tensor y)
    {
        InputValidation.RequireTargets(y, x.shape[0], Spec.OutputDim, nameof(y));
        using var scope = NewDisposeScope();
        var f = Output(x);
        return 0.5 * (f - y).square().sum().item<double>();
    }

    /// <summary>
    /// The analytic per-sample Jacobian dF/dtheta as a dense (n c) x (#trainable) matrix, rows ordered sample-major then
    /// output coordinate, columns vec(P) row-major followed (separate path) by vec(V) row-major. Uses THEORY.md's formulas:
    /// dF_l/dp_r = alpha S_r (value_{r,l} - mu_l) x (+ alpha S_r e_l on the tied path) and dF_l/dv_{r,l'} = alpha S_r delta_{l,l'}.
    /// Memory is n c m (d + c): meant for small checks, not for kernels at large m.
    /// </summary>
    /// <param name="x">n x d inputs.</param>
    public Tensor Jacobian(Tensor x)
    {
        using var forward = Forward(x);
        return PrefixGradients.Jacobian(Spec, Alpha, ValueMatrix, forward.Weights, forward.Mean, x);
    }

    /// <summary>
    /// The gradient of L = 1/2 sum ||F - y||^2 with respect to the trainable parameters, computed in closed form:
    /// with residual E = F - Y and Q_ir = alpha S_ir (&lt;value_r, e_i&gt; - &lt;mu_i, e_i&gt;), dL/dP = Q^T X, plus
    /// alpha S^T E on the tied path; dL/dV = alpha S^T E on the separate path.
    /// </summary>
    /// <param name="x">n x d inputs.</param>
    /// <param name="y">n x c targets.</param>
    /// <returns>The prefix gradient (m x d) and the value gradient (m x c, separate path only, else null).</returns>
    public (Tensor Prefix, Tensor? Values) LossGradient(Tensor x, Tensor y)
    {
        InputValidation.RequireTargets(y, x.shape[0], Spec.OutputDim, nameof(y));
        using var forward = Forward(x);
        return PrefixGradients.LossGradient(Spec, Alpha, ValueMatrix, forward, x, y);
    }

    /// <summary>One gradient-descent update theta &lt;- theta - eta * gradient, in place.</summary>
    /// <param name="gradPrefix">dL/dP, m x d.</param>
    /// <param name="gradValues">dL/dV (separate path) or null.</param>
    /// <param name="eta">Step size.</param>
    public void Step(Tensor gradPrefix, Tensor? gradValues, double eta)
    {
        ArgumentNullException.ThrowIfNull(gradPrefix);
        using (no_grad())
        {
            prefix.add_(gradPrefix, -eta);
            if (gradValues is not null && values is not null && Spec.ValuePath == ValuePath.SeparateValue)
            {
                values.add_(gradValues, -eta);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        prefix.Dispose();
        values?.Dispose();
        initialPrefix?.Dispose();
        initialValues?.Dispose();
    }
}
