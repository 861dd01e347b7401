namespace NtkProofs.Model;

/// <summary>The output scale alpha(m) of the stylized prefix model.</summary>
public enum OutputScale
{
    /// <summary>alpha = sqrt(m), the NTK parameterization (default).</summary>
    SqrtM,

    /// <summary>alpha = m, the convention of the paper's companion analyses; kernels are then reported as H/m.</summary>
    Linear,
}

/// <summary>Arithmetic of <see cref="OutputScale"/>.</summary>
public static class OutputScaleExtensions
{
    /// <summary>alpha(m).</summary>
    /// <param name="scale">The output scale.</param>
    /// <param name="prefixLength">m.</param>
    public static double Alpha(this OutputScale scale, long prefixLength) => scale switch
    {
        OutputScale.SqrtM => Math.Sqrt(prefixLength),
        OutputScale.Linear => prefixLength,
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "unknown output scale"),
    };

    /// <summary>
    /// The factor between the raw empirical kernel and the reported one: H_raw = factor * H_reported, with
    /// factor = alpha^2 / m (1 for sqrt(m), m for the linear scale).
    /// </summary>
    /// <param name="scale">The output scale.</param>
    /// <param name="prefixLength">m.</param>
    public static double KernelFactor(this OutputScale scale, long prefixLength)
    {
        double alpha = scale.Alpha(prefixLength);
        return alpha * alpha / prefixLength;
    }

    /// <summary>The command-line spelling: "sqrt" or "linear".</summary>
    /// <param name="scale">The output scale.</param>
    public static string ToCliName(this OutputScale scale) => scale == OutputScale.SqrtM ? "sqrt" : "linear";
}
