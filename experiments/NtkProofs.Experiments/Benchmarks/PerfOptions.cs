using System.Globalization;
using NtkProofs.Attention;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>Sizes of the performance-goal benchmark (issue #13); the defaults are the goals' sizes.</summary>
public sealed record PerfOptions
{
    /// <summary>Kernel samples n.</summary>
    public int N { get; init; } = 64;

    /// <summary>Where the C# cases run (inputs drawn on the CPU and moved); the NumPy and PyTorch peers stay on the CPU.</summary>
    public NtkProofs.Numerics.DevicePlacement Placement { get; init; } = NtkProofs.Numerics.DevicePlacement.Cpu;

    /// <summary>Kernel input dimension d.</summary>
    public int D { get; init; } = 16;

    /// <summary>Kernel output dimension c of the fixed and separate paths (the tied path has c = d).</summary>
    public int C { get; init; } = 1;

    /// <summary>Kernel prefix length of the fixed and separate paths, m = 2^KernelLog2.</summary>
    public int KernelLog2 { get; init; } = 16;

    /// <summary>Kernel prefix length of the tied path, m = 2^TiedLog2.</summary>
    public int TiedLog2 { get; init; } = 16;

    /// <summary>Attention heads H.</summary>
    public int Heads { get; init; } = 8;

    /// <summary>Head dimension d_h.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Input lengths L of the prefix-attention goals.</summary>
    public IReadOnlyList<int> Lengths { get; init; } = [128, 512];

    /// <summary>Attention prefix length, m = 2^PrefixLog2.</summary>
    public int PrefixLog2 { get; init; } = 16;

    /// <summary>Input length of the NTK-Attention goal.</summary>
    public int NtkLength { get; init; } = 512;

    /// <summary>Feature map of NTK-Attention.</summary>
    public string Feature { get; init; } = "elu1";

    /// <summary>Size of the square GEMM probes.</summary>
    public int GemmSize { get; init; } = 1024;

    /// <summary>Rounds: C# cases, then the NumPy and PyTorch baselines, once per round; samples are merged over rounds.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Least timed repetitions per case and round (after one warm-up).</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>Most timed repetitions per case and round.</summary>
    public int MaxRepetitions { get; init; } = 30;

    /// <summary>No repetition beyond <see cref="Repetitions"/> starts after this many seconds per case and round.</summary>
    public double SecondsPerCase { get; init; } = 0.5;

    /// <summary>Prefix keys per block of the streamed prefix attention (0: PrefixAttention picks it from the rows).</summary>
    public long BlockSize { get; init; } = PrefixAttention.AutoBlockSize;

    /// <summary>Seed of the inputs.</summary>
    public long Seed { get; init; } = Numerics.Seeds.Master;

    /// <summary>Kernel m of the fixed and separate paths.</summary>
    public long KernelM => 1L << KernelLog2;

    /// <summary>Kernel m of the tied path.</summary>
    public long TiedM => 1L << TiedLog2;

    /// <summary>Attention m.</summary>
    public long PrefixM => 1L << PrefixLog2;

    /// <summary>Whether every size is the goal's (issue #13); otherwise the verdicts are indicative only.</summary>
    public bool AtGoalSizes => N == 64 && D == 16 && C == 1 && KernelLog2 == 16 && TiedLog2 == 16 && Heads == 8 && Dim == 64
        && Lengths.Order().SequenceEqual([128, 512]) && PrefixLog2 == 16 && NtkLength == 512 && Feature == "elu1";

    /// <summary>Refuses sizes the benchmark cannot run, with one line naming the first bad one.</summary>
    public void Validate()
    {
        static void Need(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"perf: {what}");
            }
        }

        Need(N >= 1 && D >= 1 && C >= 1, string.Create(CultureInfo.InvariantCulture, $"need n, d, c >= 1, got {N}, {D}, {C}"));
        Need(KernelLog2 is >= 0 and <= 24 && TiedLog2 is >= 0 and <= 24 && PrefixLog2 is >= 0 and <= 24, "need 0 <= kernel_log2, tied_log2, prefix_log2 <= 24");
        Need(Heads >= 1 && Dim >= 1 && NtkLength >= 1 && Lengths.Count > 0 && Lengths.All(l => l >= 1), "need heads, dim, ntk_length and every length >= 1 (and at least one length)");
        Need(GemmSize >= 1 && Rounds >= 1 && Repetitions >= 1 && MaxRepetitions >= Repetitions && BlockSize >= 0, "need gemm_size, rounds, repetitions >= 1, block size >= 0 (0 = automatic) and max repetitions >= repetitions");
    }
}
