using NtkProofs.Adapters;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The typed result of one <see cref="FinetuneExperiment"/> point (stored as JSON lines through <c>ResultJson</c>, read by
/// claims C9-C11 with <c>inputs.Results&lt;FinetuneRun&gt;</c>): what was trained (task, method family, the method's own
/// settings, seed) and what was measured, including per-example correctness for paired comparisons.
/// </summary>
/// <param name="Task">polarity, uncertainty or spam.</param>
/// <param name="Method">head, full, lora, prefix or ntk.</param>
/// <param name="Settings">The method's own settings in words ("r = 8, alpha = 16", "m = 100", "elu1, s = 8"; "-" for head and full).</param>
/// <param name="SettingKey">Every parameter of the point except the seed: runs with equal keys are seeds of one configuration.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="NtkRank">s for ntk (0 = full Z), else 0.</param>
/// <param name="Feature">The NTK-Attention feature map name for ntk, else "".</param>
/// <param name="TestAccuracy">Test accuracy in [0, 1].</param>
/// <param name="ValidationAccuracy">Validation accuracy in [0, 1].</param>
/// <param name="Trainable">Trainable parameters of the built model.</param>
/// <param name="Total">All parameters of the built model.</param>
/// <param name="Counted">Trainable parameters by the <c>ParameterCounter</c> formula (adapter + head).</param>
/// <param name="SecondsPerStep">Median seconds per training step.</param>
/// <param name="PeakRssMiB">Peak resident set during training, MiB.</param>
/// <param name="RssBeforeTrainingMiB">Resident set right before the first step (libraries, data, model), MiB.</param>
/// <param name="TensorMiB">Analytic float32 bytes of parameters, gradients and AdamW state, MiB (activations not included).</param>
/// <param name="FinalTrainLoss">Mean training loss over the last 10 steps.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Schedule">Steps, batch, max length and learning rate in words.</param>
/// <param name="LearningRate">Peak learning rate used.</param>
/// <param name="TestExamples">Test sentences evaluated.</param>
public sealed record FinetuneRun(
    string Task,
    string Method,
    string Settings,
    string SettingKey,
    long Seed,
    long NtkRank,
    string Feature,
    double TestAccuracy,
    double ValidationAccuracy,
    long Trainable,
    long Total,
    long Counted,
    double SecondsPerStep,
    double PeakRssMiB,
    double RssBeforeTrainingMiB,
    double TensorMiB,
    double FinalTrainLoss,
    long Steps,
    string Schedule,
    double LearningRate,
    long TestExamples)
{
    /// <summary>The method families in table and legend order (<see cref="AdapterMethods.Names"/>).</summary>
    public static IReadOnlyList<string> MethodOrder => AdapterMethods.Names;

    /// <summary>Per-example test correctness ('0'/'1', test examples in split order); empty for records written before it was stored.</summary>
    public string TestCorrect { get; init; } = string.Empty;

    /// <summary>Per-example validation correctness ('0'/'1'); empty for older records.</summary>
    public string ValidationCorrect { get; init; } = string.Empty;

    /// <summary>The step of the evaluated checkpoint (the last step, or the best validation step with early stopping).</summary>
    public long SelectedStep { get; init; }

    /// <summary>Peak learning rate of the classification head.</summary>
    public double HeadLearningRate { get; init; }

    /// <summary>Validation sentences evaluated.</summary>
    public long ValidationExamples { get; init; }

    /// <summary>Training sentences.</summary>
    public long TrainExamples { get; init; }

    /// <summary>Mean test cross-entropy.</summary>
    public double TestLoss { get; init; }

    /// <summary>Mean seconds per step after the first.</summary>
    public double SecondsPerStepMean { get; init; }

    /// <summary>Seconds of the first step (allocations, warm-up).</summary>
    public double FirstStepSeconds { get; init; }

    /// <summary>Training loss of the first step.</summary>
    public double FirstTrainLoss { get; init; }

    /// <summary>Wall-clock seconds of the whole point (loading, training, evaluation, saving).</summary>
    public double TotalSeconds { get; init; }

    /// <summary>Adapter parameters by the formula (head excluded).</summary>
    public long CountedAdapter { get; init; }

    /// <summary>Head parameters by the formula.</summary>
    public long CountedHead { get; init; }

    /// <summary>TorchSharp threads.</summary>
    public long Threads { get; init; }

    /// <summary>Whether the peak-RSS counter was reset before the first step.</summary>
    public bool PeakRssReset { get; init; }

    /// <summary>What <see cref="PeakRssMiB"/> measures.</summary>
    public string MemoryMeasure { get; init; } = string.Empty;

    /// <summary>The base encoder's name.</summary>
    public string BaseModel { get; init; } = string.Empty;

    /// <summary>The trained adapter's <c>adapter_config.json</c> text.</summary>
    public string AdapterConfigText { get; init; } = string.Empty;

    /// <summary>
    /// Singular spectra of Z per layer and head (claim C19): the trained Z of a full-Z NTK-Attention run, or Z(P) of a
    /// P-Tuning v2 run's prefix under elu1 features; empty for other runs and for records written before it was stored.
    /// </summary>
    /// <remarks>Stored as <see cref="ZSpectrum.Encode"/> text (empty when absent) so the record keeps value equality; read it with <see cref="Spectra"/>.</remarks>
    public string ZSpectra { get; init; } = string.Empty;

    /// <summary>The decoded <see cref="ZSpectra"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<ZSpectrum> Spectra => ZSpectrum.Decode(ZSpectra);

    /// <summary>How the NTK-Attention state was initialized: empty for the default (Z = 0, k = k_init), else e.g. "from P-Tuning v2 m = 10" (issue 10's conversion).</summary>
    public string Init { get; init; } = string.Empty;

    /// <summary>The display name of the method family.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Family => FamilyName(Method);

    /// <summary>The method's display name (<see cref="IAdapterMethod.DisplayName"/>; the name itself when unregistered).</summary>
    /// <param name="method">The method name.</param>
    public static string FamilyName(string method) =>
        AdapterMethods.Contains(method) ? AdapterMethods.Get(method).DisplayName : method;
}
