namespace NtkProofs.Numerics;

/// <summary>
/// The named seed streams of the experiments (the <c>stream</c> argument of <see cref="Seeds.Derive"/>): one stream per
/// measurement, so a command and the report that run the same measurement draw the same numbers. Every experiment names
/// its stream here instead of writing a number.
/// </summary>
public static class SeedStreams
{
    /// <summary>Theorem B at one point (C5, C6): the problem draw of <c>ntk-bound</c>, index replicate * 1 000 003 + m.</summary>
    public const int NtkBound = 40;

    /// <summary>The identities I1-I4 of NTK-Attention (C5), index replicate * 1 000 003 + m.</summary>
    public const int NtkIdentities = 41;

    /// <summary>The released code's defects (C12), index replicate.</summary>
    public const int ReleasedDefects = 42;

    /// <summary>Model selection on the reported split (C12, fifth defect), index replicate.</summary>
    public const int ModelSelectionLeak = 43;

    /// <summary>Inputs of the attention benchmark (C7), index L. Shares the number 40 with <see cref="NtkBound"/> (a separate master use since the start).</summary>
    public const int AttentionBenchInputs = 40;

    /// <summary>Random features of the width benchmark (C15), index 0.</summary>
    public const int WidthBenchFeatures = 60;

    /// <summary>Inputs of the width benchmark (C15), index L.</summary>
    public const int WidthBenchInputs = 61;
}
