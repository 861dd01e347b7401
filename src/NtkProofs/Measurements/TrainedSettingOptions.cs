using NtkProofs.Attention;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>
/// Settings of the trained-setting experiment (THEORY.md Part B, the paper's Section 4.4 done as intended). The defaults fit
/// two CPU cores in about a minute; the paper's size is d 64, L 128, m up to 2^18, 40k steps (see <see cref="Paper"/>).
/// </summary>
public sealed record TrainedSettingOptions
{
    /// <summary>Model dimension D = d_h = d_v (one head).</summary>
    public int Dim { get; init; } = 16;

    /// <summary>L, tokens per input draw.</summary>
    public int Length { get; init; } = 64;

    /// <summary>The prefix lengths m.</summary>
    public IReadOnlyList<int> PrefixLengths { get; init; } = [4, 16, 64, 256, 1024, 4096, 16384];

    /// <summary>Feature maps, in <see cref="FeatureMaps.FeatureMapParser"/> spelling.</summary>
    public IReadOnlyList<string> FeatureMaps { get; init; } = ["elu1", "taylor:2", "taylor:4", "prf:64"];

    /// <summary>Adam steps per (m, feature map).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Fresh input draws X per step.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Held-out input draws for the reported errors.</summary>
    public int TestDraws { get; init; } = 32;

    /// <summary>Entries of W_Q, W_K, W_V are N(0, WeightScale^2 / D), so that logits are O(WeightScale^2).</summary>
    public double WeightScale { get; init; } = 1.0;

    /// <summary>
    /// Fit Z / m and k / m instead of Z and k (the closed form is m times a mean over prefix rows). Adam moves each parameter
    /// by about the learning rate per step, so from Z = 0, k = 0 the raw parameters cannot reach the O(m) entries of Z(P), k(P)
    /// within the step budget once m is large; dividing by m removes that artefact. Off reproduces the raw parameterization.
    /// </summary>
    public bool PerRowParameters { get; init; } = true;

    /// <summary>
    /// Use the learning rate LearningRate * sqrt(d / r) for a map with r features. Adam moves each of the r coordinates of k by
    /// about the learning rate, so phi(q) k changes by about lr * ||phi(q)||_1 ~ lr sqrt(r) per step; this keeps that change
    /// comparable across maps (without it, Taylor maps with thousands of signed features overshoot and phi(q) k changes sign).
    /// </summary>
    public bool ScaleLearningRateByFeatures { get; init; } = true;

    /// <summary>Master seed (weights, prefixes, input draws, random features).</summary>
    public long Seed { get; init; } = Numerics.Seeds.Master;

    /// <summary>Training dtype (float32, as a user would train); closed forms and targets use the same dtype.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Device of every tensor (random draws happen on the CPU and are moved, so results match across devices up to kernels).</summary>
    public Numerics.DevicePlacement Placement { get; init; } = Numerics.DevicePlacement.Cpu;

    /// <summary>The paper's size: d 64, L 128, m = 2, 4, ..., 2^18, 40k steps of one draw (GPU machines).</summary>
    public static TrainedSettingOptions Paper { get; } = new()
    {
        Dim = 64,
        Length = 128,
        PrefixLengths = Enumerable.Range(1, 18).Select(e => 1 << e).ToArray(),
        Steps = 40_000,
        BatchSize = 1,
        LearningRate = 1e-3,
        TestDraws = 256,
    };

    /// <summary>Checks ranges; returns this instance.</summary>
    public TrainedSettingOptions Validated()
    {
        if (Dim < 1 || Length < 1 || Steps < 0 || BatchSize < 1 || TestDraws < 1 || !(LearningRate > 0) || !(WeightScale > 0))
        {
            throw new ArgumentException("trained setting: need dim, length, batch size, test draws >= 1, steps >= 0, learning rate and weight scale > 0");
        }

        if (PrefixLengths.Count == 0 || PrefixLengths.Any(m => m < 1))
        {
            throw new ArgumentException("trained setting: need at least one prefix length m >= 1");
        }

        if (FeatureMaps.Count == 0)
        {
            throw new ArgumentException("trained setting: need at least one feature map");
        }

        if (DType != ScalarType.Float32 && DType != ScalarType.Float64)
        {
            throw new ArgumentException("trained setting: dtype must be float32 or float64");
        }

        return this;
    }
}
