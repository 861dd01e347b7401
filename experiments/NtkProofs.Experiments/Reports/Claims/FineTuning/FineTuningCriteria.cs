namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>Thresholds of the fine-tuning claims (C9, C10, C11), fixed before looking at the data.</summary>
public static class FineTuningCriteria
{
    /// <summary>Non-inferiority margin in accuracy points (C9, C10).</summary>
    public const double MarginPoints = 1.0;

    /// <summary>Paired seeds below which a comparison is inconclusive whatever its CI (seed spread unmeasured).</summary>
    public const int MinimumSeeds = 2;

    /// <summary>Seeds of the projected experiment named in an inconclusive row's "what would decide".</summary>
    public const int TargetSeeds = 5;

    /// <summary>A baseline may have at most this many times the trainable parameters of the NTK-Attention configuration (C10).</summary>
    public const double ParameterBudgetRatio = 2.0;

    /// <summary>Config of the baseline grid.</summary>
    public const string BaselineConfig = "finetune";

    /// <summary>Config of the NTK-Attention grid.</summary>
    public const string NtkConfig = "finetune-ntk";

    /// <summary>Config of issue 10's protocol (every method, learning rates searched on validation, 5 seeds; profile <c>decisive</c>).</summary>
    public const string ProtocolConfig = "finetune-protocol";

    /// <summary>Config of protocol points with widened learning-rate grids for configurations under-tuned on the decisive grid (profile <c>decisive</c>).</summary>
    public const string ProtocolWideConfig = "finetune-protocol-wide";

    /// <summary>Config of the protocol's grid-edge check (validation-only search one step beyond an edge-chosen rate; profile <c>decisive</c>).</summary>
    public const string ExtensionConfig = "finetune-lr-extension";

    /// <summary>Config of issue 10's ablations (C19, C20): prf r, k init, s under the protocol (profile <c>decisive</c>).</summary>
    public const string AblationConfig = "finetune-ablations";

    /// <summary>Config of the learning-rate axis of C20: fixed rates, 5 seeds (profile <c>decisive</c>).</summary>
    public const string LearningRateConfig = "finetune-ablations-lr";

    /// <summary>Config of the prefix -&gt; NTK-Attention conversion (C20's k init = k(P); profile <c>decisive</c>).</summary>
    public const string ConversionConfig = "prefix-to-ntk";

    /// <summary>Every fine-tuning config C19 and C20 read (those of C9-C11 and the ablations).</summary>
    public static IReadOnlyList<string> AblationConfigs { get; } = [BaselineConfig, NtkConfig, ProtocolConfig, ProtocolWideConfig, ExtensionConfig, AblationConfig, LearningRateConfig, ConversionConfig];

    /// <summary>Every fine-tuning config the claims read.</summary>
    public static IReadOnlyList<string> Configs { get; } = [BaselineConfig, NtkConfig, ProtocolConfig, ProtocolWideConfig, ExtensionConfig];
}
