namespace NtkProofs.FineTuning;

/// <summary>The training loss became non-finite (NaN or infinite): the learning rate is too high for this run.</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>A divergence at <paramref name="step"/> with loss <paramref name="loss"/>.</summary>
    /// <param name="step">The optimizer step.</param>
    /// <param name="loss">The non-finite loss.</param>
    public TrainingDivergedException(int step, double loss)
        : base(FormattableString.Invariant($"the training loss is {loss} at step {step}; lower the learning rate"))
    {
        Step = step;
    }

    /// <summary>An unspecified divergence.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>A divergence described by <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>A divergence described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The step at which the loss became non-finite.</summary>
    public int Step { get; }
}
