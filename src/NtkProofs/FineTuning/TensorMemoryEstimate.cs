namespace NtkProofs.FineTuning;

/// <summary>
/// Analytic float32 tensor memory of a training setup: every parameter (4 bytes), a gradient per trainable parameter
/// (4 bytes) and AdamW's two moments per trainable parameter (8 bytes). Activations are not included.
/// </summary>
/// <param name="ParameterBytes">All parameters.</param>
/// <param name="GradientBytes">Gradients of trainable parameters.</param>
/// <param name="OptimizerStateBytes">AdamW first and second moments.</param>
public sealed record TensorMemoryEstimate(long ParameterBytes, long GradientBytes, long OptimizerStateBytes)
{
    /// <summary>The sum.</summary>
    public long TotalBytes => ParameterBytes + GradientBytes + OptimizerStateBytes;

    /// <summary>The estimate for <paramref name="total"/> parameters of which <paramref name="trainable"/> train with AdamW.</summary>
    /// <param name="trainable">Trainable parameters.</param>
    /// <param name="total">All parameters.</param>
    public static TensorMemoryEstimate ForAdamW(long trainable, long total) => new(4 * total, 4 * trainable, 8 * trainable);
}
