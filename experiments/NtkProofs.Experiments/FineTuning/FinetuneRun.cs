using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.Reports;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// One finished <see cref="FinetuneExperiment"/> point as the report reads it: what was trained (task, method family, the
/// method's own settings, seed) and what was measured.
/// </summary>
/// <param name="Task">polarity or uncertainty.</param>
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
    /// <summary>The method families in table and legend order.</summary>
    public static IReadOnlyList<string> MethodOrder { get; } =
        [HeadOnlyConfig.MethodName, FullFineTuningConfig.MethodName, LoraAdapterConfig.MethodName, PrefixTuningAdapterConfig.MethodName, NtkAttentionAdapterConfig.MethodName];

    /// <summary>Per-example test correctness ('0'/'1', test examples in split order); empty for records written before it was stored.</summary>
    public string TestCorrect { get; init; } = string.Empty;

    /// <summary>Per-example validation correctness ('0'/'1'); empty for older records.</summary>
    public string ValidationCorrect { get; init; } = string.Empty;

    /// <summary>The display name of the method family.</summary>
    public string Family => FamilyName(Method);

    /// <summary>head only, full FT, LoRA, P-Tuning v2, NTK-Attention.</summary>
    /// <param name="method">The method name.</param>
    public static string FamilyName(string method) => method switch
    {
        HeadOnlyConfig.MethodName => "head only",
        FullFineTuningConfig.MethodName => "full FT",
        LoraAdapterConfig.MethodName => "LoRA",
        PrefixTuningAdapterConfig.MethodName => "P-Tuning v2",
        NtkAttentionAdapterConfig.MethodName => "NTK-Attention",
        _ => method,
    };

    /// <summary>Reads a record of a <see cref="FinetuneExperiment"/> sweep.</summary>
    /// <param name="record">The record.</param>
    public static FinetuneRun From(SweepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var p = record.Point;
        var r = record.Result;
        string method = p.Text("method");
        string settings = method switch
        {
            LoraAdapterConfig.MethodName => F($"r = {p.Int("rank")}, alpha = {p.Real("lora_alpha")}"),
            PrefixTuningAdapterConfig.MethodName => F($"m = {p.Int("prefix_length")}"),
            NtkAttentionAdapterConfig.MethodName => p.Text("feature") + (p.Int("ntk_rank") == 0 ? ", full Z" : F($", s = {p.Int("ntk_rank")}")),
            _ => "-",
        };
        var key = p.ToJson();
        key.Remove("seed");
        // Deserialize rather than GetValue: results read from disk hold JSON elements, results built in memory hold CLR numbers.
        double D(string name) => r[name].Deserialize<double>();
        long L(string name) => r[name].Deserialize<long>();
        return new FinetuneRun(
            p.Text("task"),
            method,
            settings,
            key.ToJsonString(),
            p.Int("seed"),
            method == NtkAttentionAdapterConfig.MethodName ? p.Int("ntk_rank") : 0,
            method == NtkAttentionAdapterConfig.MethodName ? p.Text("feature") : string.Empty,
            D("test_accuracy"),
            D("validation_accuracy"),
            L("trainable_params"),
            L("total_params"),
            L("counted_trainable_params"),
            D("seconds_per_step_median"),
            D("peak_rss_mib"),
            D("rss_before_training_mib"),
            D("tensor_memory_mib"),
            D("final_train_loss"),
            L("steps"),
            F($"{p.Int("steps")} steps of batch {p.Int("batch")}, max length {p.Int("max_length")}"),
            D("learning_rate"),
            L("test_examples"))
        {
            TestCorrect = r["test_correct"]?.Deserialize<string>() ?? string.Empty,
            ValidationCorrect = r["validation_correct"]?.Deserialize<string>() ?? string.Empty,
        };
    }

    /// <summary>The parsed runs of a sweep (empty for null).</summary>
    /// <param name="sweep">The sweep, or null.</param>
    public static IReadOnlyList<FinetuneRun> From(SweepResults? sweep) =>
        sweep is null ? [] : [.. sweep.Records.Select(From)];

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
