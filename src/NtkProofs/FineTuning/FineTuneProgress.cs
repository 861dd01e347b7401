namespace NtkProofs.FineTuning;

/// <summary>Progress callbacks of <see cref="FineTuneRunner"/> (all optional), e.g. for progress bars.</summary>
public sealed class FineTuneProgress
{
    /// <summary>A status line (loading, fetching, saving).</summary>
    public Action<string>? Status { get; init; }

    /// <summary>After each training step.</summary>
    public Action<StepRecord>? Step { get; init; }

    /// <summary>During evaluation: (split name, examples done, examples total).</summary>
    public Action<string, int, int>? Evaluation { get; init; }
}
