namespace NtkProofs.Model;

/// <summary>The shape and initialization of a stylized prefix model (THEORY.md Part A).</summary>
/// <param name="ValuePath">Which value path the model uses.</param>
/// <param name="InputDim">d, the input (and prefix row) dimension.</param>
/// <param name="PrefixLength">m, the number of prefix rows (the "width").</param>
/// <param name="OutputDim">c, the output dimension; must equal d for <see cref="ValuePath.TiedValue"/>.</param>
/// <param name="Sigma">Prefix init scale: rows p_r ~ N(0, sigma^2 I_d).</param>
/// <param name="Scale">Output scale alpha(m).</param>
/// <param name="Centred">
/// Centred output (THEORY.md A.2): the model outputs F_c(x; theta) = F(x; theta) - F(x; theta_0), theta_0 the parameters
/// the model was built with. Jacobians and kernels are unchanged; only the residual (so the trajectory) changes.
/// </param>
public sealed record PrefixModelSpec(
    ValuePath ValuePath,
    int InputDim,
    int PrefixLength,
    int OutputDim,
    double Sigma,
    OutputScale Scale = OutputScale.SqrtM,
    bool Centred = false)
{
    /// <summary>A spec with c = d for the tied path, or the given c otherwise.</summary>
    /// <param name="valuePath">Value path.</param>
    /// <param name="inputDim">d.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="sigma">Prefix init scale.</param>
    /// <param name="outputDim">c for the fixed and separate paths (ignored for tied).</param>
    /// <param name="scale">Output scale.</param>
    public static PrefixModelSpec Create(ValuePath valuePath, int inputDim, int prefixLength, double sigma, int outputDim = 1, OutputScale scale = OutputScale.SqrtM) =>
        new PrefixModelSpec(valuePath, inputDim, prefixLength, valuePath == ValuePath.TiedValue ? inputDim : outputDim, sigma, scale).Validated();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field; returns this spec otherwise.</summary>
    public PrefixModelSpec Validated()
    {
        if (!Enum.IsDefined(ValuePath))
        {
            throw new ArgumentOutOfRangeException(nameof(ValuePath), ValuePath, "unknown value path");
        }

        if (!Enum.IsDefined(Scale))
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "unknown output scale");
        }

        if (InputDim < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InputDim), InputDim, "input dimension d must be at least 1");
        }

        if (PrefixLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefixLength), PrefixLength, "prefix length m must be at least 1");
        }

        if (OutputDim < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputDim), OutputDim, "output dimension c must be at least 1");
        }

        if (!(Sigma > 0) || !double.IsFinite(Sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(Sigma), Sigma, "sigma must be a finite number > 0");
        }

        if (ValuePath == ValuePath.TiedValue && OutputDim != InputDim)
        {
            throw new ArgumentException($"the tied value path outputs prefix rows, so OutputDim ({OutputDim}) must equal InputDim ({InputDim})", nameof(OutputDim));
        }

        return this;
    }
}
