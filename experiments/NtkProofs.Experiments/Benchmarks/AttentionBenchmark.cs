using NtkProofs.Measurements;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>Settings of the attention benchmark.</summary>
public sealed record AttentionBenchmarkOptions
{
    /// <summary>Input lengths L.</summary>
    public IReadOnlyList<int> Lengths { get; init; } = [128, 512];

    /// <summary>Smallest m = 2^MinLog2.</summary>
    public int MinLog2 { get; init; } = 4;

    /// <summary>Largest m = 2^MaxLog2.</summary>
    public int MaxLog2 { get; init; } = 18;

    /// <summary>Largest m at which forward + backward is timed (autograd keeps O(L m) per head).</summary>
    public int BackwardMaxLog2 { get; init; } = 16;

    /// <summary>Largest m at which the materialized baselines run (their score matrix is L x (m + L)).</summary>
    public int PlainMaxLog2 { get; init; } = 16;

    /// <summary>Heads H.</summary>
    public int Heads { get; init; } = 8;

    /// <summary>Head dimension d_h.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Feature maps of NtkAttention.</summary>
    public IReadOnlyList<string> FeatureMaps { get; init; } = ["elu1"];

    /// <summary>Timed repetitions per case and round after one warm-up (the minimum over all is reported); cheap cases repeat
    /// up to <see cref="MaxRepetitions"/> times within about <see cref="SecondsPerCase"/>.</summary>
    public int Repetitions { get; init; } = 2;

    /// <summary>Most repetitions per case and round.</summary>
    public int MaxRepetitions { get; init; } = 30;

    /// <summary>Wall-time budget per case and round after which no repetition beyond <see cref="Repetitions"/> starts.</summary>
    public double SecondsPerCase { get; init; } = 0.5;

    /// <summary>Rounds: every case (C# and Python) is timed once per round and the rounds are merged, so that a burst of load
    /// from other processes during one round does not decide a ratio.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>m grows by 2^Step between grid points.</summary>
    public int Step { get; init; } = 2;

    /// <summary>Prefix keys per block of the streamed prefix attention (0: PrefixAttention picks it from the rows).</summary>
    public long BlockSize { get; init; } = PrefixAttention.AutoBlockSize;

    /// <summary>Seed of the inputs.</summary>
    public long Seed { get; init; } = Numerics.Seeds.Master;

    /// <summary>Where the C# cases run (the inputs are drawn on the CPU and moved there); the Python baselines stay on the CPU.</summary>
    public NtkProofs.Numerics.DevicePlacement Placement { get; init; } = NtkProofs.Numerics.DevicePlacement.Cpu;

    /// <summary>Size of the square GEMM probes timed in each round (the reference of each row's fraction of the GEMM rate).</summary>
    public int GemmSize { get; init; } = 1024;

    /// <summary>The prefix lengths 2^MinLog2 .. 2^MaxLog2.</summary>
    public IReadOnlyList<long> PrefixLengths => Enumerable.Range(0, ((MaxLog2 - MinLog2) / Step) + 1).Select(i => 1L << (MinLog2 + (i * Step))).ToList();
}

/// <summary>One timed case.</summary>
/// <param name="Impl">prefix_streamed, ntk, dense_torchsharp, released_port (C#), plain_pytorch or released_reference (Python).</param>
/// <param name="Pass">forward or forward+backward.</param>
/// <param name="Length">L.</param>
/// <param name="PrefixLength">m (0 where the case does not depend on m).</param>
/// <param name="Feature">Feature map of NTK cases, else empty.</param>
/// <param name="Causal">Whether the input block was causally masked.</param>
/// <param name="SecondsMin">Minimum wall time.</param>
/// <param name="SecondsMedian">Median wall time.</param>
/// <param name="Repetitions">Timed repetitions.</param>
/// <param name="PeakExtraMiB">Peak resident memory above the inputs, MiB (null if not measured).</param>
/// <param name="Side">csharp or python.</param>
public sealed record AttentionBenchmarkRow(string Impl, string Pass, int Length, long PrefixLength, string Feature, bool Causal, double SecondsMin, double SecondsMedian, int Repetitions, double? PeakExtraMiB, string Side)
{
    /// <summary>The same case (side, implementation, pass, sizes, feature, mask).</summary>
    public bool SameCase(AttentionBenchmarkRow other) =>
        other is not null && other.Side == Side && other.Impl == Impl && other.Pass == Pass && other.Length == Length && other.PrefixLength == PrefixLength && other.Feature == Feature && other.Causal == Causal;
}

/// <summary>
/// Times PrefixAttention (streamed), NtkAttention, the materialized TorchSharp attention and the C# port of the released
/// forward in float32 with batch 1, in rounds; peak memory is measured once, after all timings (see <see cref="ProcessMemory"/>).
/// The instance owns the input tensors of every case.
/// </summary>
public sealed class AttentionBenchmark : IDisposable
{
    private readonly AttentionBenchmarkOptions options;
    private readonly List<(AttentionBenchmarkRow Template, Action Work)> cases = [];
    private readonly List<List<double>> samples = [];
    private readonly List<double?> peaks = [];
    private readonly List<Tensor> owned = [];

    /// <summary>Creates the inputs of every case.</summary>
    /// <param name="options">Sizes.</param>
    public AttentionBenchmark(AttentionBenchmarkOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        foreach (int length in options.Lengths)
        {
            AddCases(length);
        }

        foreach (var _ in cases)
        {
            samples.Add([]);
            peaks.Add(null);
        }
    }

    /// <summary>Times every case once more (one round).</summary>
    /// <param name="progress">Called with a label before each case.</param>
    public void TimeRound(Action<string>? progress = null)
    {
        for (int i = 0; i < cases.Count; i++)
        {
            var t = cases[i].Template;
            progress?.Invoke($"{t.Impl} {t.Pass} L={t.Length} m={t.PrefixLength} {t.Feature}");
            samples[i].AddRange(BenchTiming.Samples(cases[i].Work, options.Repetitions, options.MaxRepetitions, options.SecondsPerCase, options.Placement));
        }
    }

    /// <summary>Measures the peak extra memory of every case once (call after the last round: it changes the allocator's mode).</summary>
    /// <param name="progress">Called with a label before each case.</param>
    /// <returns>Whether exact resident-memory accounting could be switched on.</returns>
    public bool MeasureMemory(Action<string>? progress = null)
    {
        if (options.Placement.IsCuda)
        {
            // The probe measures the process's resident memory, not the GPU's: no peak on CUDA.
            return false;
        }

        bool exact = ProcessMemory.UseExactResidentMemory();
        try
        {
            for (int i = 0; i < cases.Count; i++)
            {
                var t = cases[i].Template;
                progress?.Invoke($"memory: {t.Impl} {t.Pass} L={t.Length} m={t.PrefixLength}");
                double? peak = ProcessMemory.PeakExtraMiB(cases[i].Work);
                peaks[i] = exact ? peak : null;
            }
        }
        finally
        {
            ProcessMemory.RestoreCachingAllocator();
        }

        return exact;
    }

    /// <summary>One row per case: minimum and median over every sample of every round, and the peak memory.</summary>
    public IReadOnlyList<AttentionBenchmarkRow> Rows() =>
        cases.Select((c, i) =>
        {
            var sorted = samples[i].Order().ToList();
            return sorted.Count == 0 ? c.Template with { PeakExtraMiB = peaks[i] } : c.Template with { SecondsMin = sorted[0], SecondsMedian = sorted[sorted.Count / 2], Repetitions = sorted.Count, PeakExtraMiB = peaks[i] };
        }).ToList();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in owned)
        {
            t.Dispose();
        }

        owned.Clear();
    }

    /// <summary>
    /// Runs the Python baseline script once (one round) and parses its rows with their samples; returns the script's JSON, the
    /// rows and samples, or an error text.
    /// </summary>
    /// <param name="python">The interpreter (Debian's /usr/bin/python3 with python3-torch).</param>
    /// <param name="script">experiments/baselines/attention_baseline.py.</param>
    /// <param name="options">Sizes (lengths, heads, dim, repetitions).</param>
    /// <param name="threads">Threads for PyTorch.</param>
    /// <param name="measureMemory">Whether the script also measures peak memory (once, in the last round).</param>
    /// <param name="backward">Whether the script also times forward + backward of the plain attention.</param>
    public static (JsonElement? Info, IReadOnlyList<(AttentionBenchmarkRow Row, IReadOnlyList<double> Samples)> Rows, string? Error) RunPython(string python, string script, AttentionBenchmarkOptions options, int threads, bool measureMemory, bool backward = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(python))
        {
            return (null, [], $"{python} not found: install Debian's python3-torch (apt-get install python3-torch) to measure the PyTorch baselines");
        }

        if (!File.Exists(script))
        {
            return (null, [], $"baseline script not found: {script}");
        }

        var plainMs = options.PrefixLengths.Where(m => m <= 1L << options.PlainMaxLog2 && m >= 1L << Math.Max(options.MinLog2, options.PlainMaxLog2 - 4)).ToList();
        var arguments = new List<string> { script, "--lengths" };
        arguments.AddRange(options.Lengths.Select(l => Str(l)));
        arguments.Add("--plain-ms");
        arguments.AddRange(plainMs.Select(Str));
        arguments.AddRange(["--heads", Str(options.Heads), "--dim", Str(options.Dim), "--threads", Str(threads), "--repetitions", Str(options.Repetitions),
            "--max-repetitions", Str(options.MaxRepetitions), "--seconds-per-case", options.SecondsPerCase.ToString("R", CultureInfo.InvariantCulture), "--seed", Str(options.Seed)]);
        if (backward)
        {
            arguments.Add("--backward");
        }

        if (!measureMemory)
        {
            arguments.Add("--no-memory");
        }

        // The BLAS under PyTorch (OpenBLAS on Debian) keeps its own pool: fixed to the same count as torch.set_num_threads.
        var (exitCode, stdout, stderr) = BaselineProcess.Run(python, arguments, threads);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stdout);
        }
        catch (JsonException)
        {
            return (null, [], $"the Python baseline failed (exit {exitCode}): {stderr.Trim()} {stdout.Trim()}".Trim());
        }

        var root = document.RootElement.Clone();
        if (root.TryGetProperty("error", out var error))
        {
            return (root, [], error.GetString());
        }

        var rows = new List<(AttentionBenchmarkRow, IReadOnlyList<double>)>();
        foreach (var r in root.GetProperty("results").EnumerateArray())
        {
            var times = r.GetProperty("samples").EnumerateArray().Select(e => e.GetDouble()).ToList();
            rows.Add((new AttentionBenchmarkRow(
                r.GetProperty("impl").GetString()!,
                r.GetProperty("pass").GetString()!,
                r.GetProperty("L").GetInt32(),
                r.GetProperty("m").ValueKind == JsonValueKind.Null ? 0 : r.GetProperty("m").GetInt64(),
                r.GetProperty("impl").GetString() == "released_reference" ? "elu1" : string.Empty,
                r.GetProperty("causal").GetBoolean(),
                r.GetProperty("seconds_min").GetDouble(),
                r.GetProperty("seconds_median").GetDouble(),
                times.Count,
                r.TryGetProperty("peak_extra_mib", out var peak) && peak.ValueKind == JsonValueKind.Number ? peak.GetDouble() : null,
                "python"), times));
        }

        return (root, rows, null);
    }

    private void AddCases(int length)
    {
        var o = options;
        using var generator = new Generator(unchecked((ulong)NtkProofs.Numerics.Seeds.Derive(o.Seed, NtkProofs.Numerics.SeedStreams.AttentionBenchInputs, length)));
        Tensor Keep(Tensor t)
        {
            owned.Add(t.DetachFromDisposeScope());
            return t;
        }

        Tensor Randn(params long[] shape) => Keep(o.Placement.Randn(generator, ScalarType.Float32, shape));
        var q = Randn(1, o.Heads, length, o.Dim);
        var k = Randn(1, o.Heads, length, o.Dim);
        var v = Randn(1, o.Heads, length, o.Dim);
        var outputWeights = Randn(1, o.Heads, length, o.Dim);
        var maps = o.FeatureMaps.Select(s => FeatureMapParser.Parse(s, o.Dim)).ToList();
        var states = maps.Select(phi => (Phi: phi, Z: Keep(o.Placement.Randn(generator, ScalarType.Float32, o.Heads, phi.R, o.Dim) * 0.1f), K: Keep(o.Placement.Rand(generator, ScalarType.Float32, o.Heads, phi.R)))).ToList();
        var template = new AttentionBenchmarkRow(string.Empty, "forward", length, 0, string.Empty, false, double.NaN, double.NaN, 0, null, "csharp");

        // The released forward (C# port) and NtkAttention, causal and not, independent of m.
        foreach (bool causal in new[] { true, false })
        {
            var elu = states.FirstOrDefault(s => s.Phi is Elu1FeatureMap);
            if (elu.Phi is not null)
            {
                var sumPhiK = Keep(elu.K.unsqueeze(0).unsqueeze(-1));
                var sumPhiKV = Keep(elu.Z.unsqueeze(0));
                cases.Add((template with { Impl = "released_port", Feature = "elu1", Causal = causal }, () =>
                {
                    using var scope = NewDisposeScope();
                    _ = ReleasedReferenceAttention.Forward(q, k, v, sumPhiK, sumPhiKV, causal);
                }));
            }

            foreach (var s in states)
            {
                cases.Add((template with { Impl = "ntk", Feature = s.Phi.Name, Causal = causal }, () =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    _ = NtkAttention.Forward(q, k, v, s.Phi, s.Z, s.K, causal);
                }));
            }
        }

        foreach (long m in o.PrefixLengths)
        {
            var pk = Randn(o.Heads, m, o.Dim);
            var pv = Randn(o.Heads, m, o.Dim);
            var at = template with { PrefixLength = m };
            cases.Add((at with { Impl = "prefix_streamed" }, () =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                _ = PrefixAttention.Forward(q, k, v, pk, pv, blockSize: o.BlockSize);
            }));
            foreach (var s in states)
            {
                // NtkAttention does not read the prefix; timing it at every m shows that its cost is flat in m.
                cases.Add((at with { Impl = "ntk", Feature = s.Phi.Name }, () =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    _ = NtkAttention.Forward(q, k, v, s.Phi, s.Z, s.K);
                }));
            }

            if (m <= 1L << o.PlainMaxLog2)
            {
                cases.Add((at with { Impl = "dense_torchsharp" }, () =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    _ = DenseAttention.Forward(q, k, v, pk, pv);
                }));
            }

            if (m <= 1L << o.BackwardMaxLog2)
            {
                cases.Add((at with { Impl = "prefix_streamed", Pass = "forward+backward" }, () =>
                {
                    using var scope = NewDisposeScope();
                    var leaves = new[] { q, k, v, pk, pv }.Select(t => t.detach().requires_grad_(true)).ToArray();
                    (PrefixAttention.Forward(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], blockSize: o.BlockSize) * outputWeights).sum().backward();
                }));
                foreach (var s in states)
                {
                    cases.Add((at with { Impl = "ntk", Pass = "forward+backward", Feature = s.Phi.Name }, () =>
                    {
                        using var scope = NewDisposeScope();
                        var leaves = new[] { q, k, v, s.Z, s.K }.Select(t => t.detach().requires_grad_(true)).ToArray();
                        (NtkAttention.Forward(leaves[0], leaves[1], leaves[2], s.Phi, leaves[3], leaves[4]) * outputWeights).sum().backward();
                    }));
                }
            }
        }
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
