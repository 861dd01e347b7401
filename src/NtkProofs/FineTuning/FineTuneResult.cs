namespace NtkProofs.FineTuning;

/// <summary>The outcome of one fine-tuning run (written as results.json by the CLI).</summary>
/// <param name="Config">The resolved configuration.</param>
/// <param name="AdapterConfigJson">The adapter_config.json text.</param>
/// <param name="Trainable">Trainable parameters.</param>
/// <param name="Total">All parameters.</param>
/// <param name="PeftSummary">PEFT's one-line summary.</param>
/// <param name="TrainExamples">Training set size.</param>
/// <param name="Steps">Per-step records.</param>
/// <param name="Validation">Validation metrics at the selected checkpoint.</param>
/// <param name="Test">Test metrics at the selected checkpoint (<see cref="EvaluationResult.NotEvaluated"/> when <see cref="FineTuneConfig.EvaluateTest"/> is false).</param>
/// <param name="RssBeforeTrainingBytes">Resident set right before the first step (model, data, libraries loaded).</param>
/// <param name="PeakRssBytes">Peak resident set size during training (VmHWM reset before the first step when the kernel allows it, see <see cref="PeakRssResetWorked"/>).</param>
/// <param name="PeakRssResetWorked">Whether the peak counter was reset before training (otherwise the peak includes model loading).</param>
/// <param name="MaxStepRssBytes">Largest RSS sampled right after a backward pass.</param>
/// <param name="ManagedHeapBytes">.NET GC heap after training (not included in the tensor figures; part of the RSS).</param>
/// <param name="TensorMemory">Analytic parameter/gradient/AdamW-state bytes.</param>
/// <param name="TotalSeconds">Wall time of the whole run.</param>
public sealed record FineTuneResult(
    FineTuneConfig Config,
    string AdapterConfigJson,
    long Trainable,
    long Total,
    string PeftSummary,
    int TrainExamples,
    IReadOnlyList<StepRecord> Steps,
    EvaluationResult Validation,
    EvaluationResult Test,
    long RssBeforeTrainingBytes,
    long PeakRssBytes,
    bool PeakRssResetWorked,
    long MaxStepRssBytes,
    long ManagedHeapBytes,
    TensorMemoryEstimate TensorMemory,
    double TotalSeconds)
{
    /// <summary>The step whose weights were evaluated and saved (the last step, or the best validation checkpoint with early stopping).</summary>
    public int SelectedStep { get; init; }

    /// <summary>Validation accuracy at each evaluation during training (empty without early stopping).</summary>
    public IReadOnlyList<ValidationPoint> ValidationCurve { get; init; } = [];

    /// <summary>Mean seconds per step, excluding the first (warm-up: allocation of optimizer state, first-touch costs).</summary>
    public double MeanStepSeconds => Steps.Count > 1 ? Steps.Skip(1).Average(s => s.Seconds) : Steps.Average(s => s.Seconds);

    /// <summary>Median seconds per step.</summary>
    public double MedianStepSeconds
    {
        get
        {
            var sorted = Steps.Select(s => s.Seconds).Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
        }
    }
}
