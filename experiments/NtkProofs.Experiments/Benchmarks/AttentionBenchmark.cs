using System.Diagnostics;
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

    /// <summary>Timed repetitions after one warm-up (the minimum is reported).</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>Prefix keys per block of the streamed prefix attention.</summary>
    public long BlockSize { get; init; } = PrefixAttention.DefaultBlockSize;

    /// <summary>Seed of the inputs.</summary>
    public long Seed { get; init; } = Numerics.Seeds.Master;

    /// <summary>The prefix lengths 2^MinLog2 .. 2^MaxLog2.</summary>
    public IReadOnlyList<long> PrefixLengths => Enumerable.Range(MinLog2, MaxLog2 - MinLog2 + 1).Select(e => 1L << e).ToList();
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
    /// <summary>Wall time is what we compare: the minimum over repetitions.</summary>
    public double Seconds => SecondsMin;
}

/// <summary>
/// Times PrefixAttention (streamed), NtkAttention, the materialized TorchSharp attention and the C# port of the released
/// forward in float32 with batch 1; peak memory is measured in a second phase (see <see cref="ProcessMemory"/>).
/// </summary>
public static class AttentionBenchmark
{
    /// <summary>Runs every C# case.</summary>
    /// <param name="options">Sizes.</param>
    /// <param name="progress">Called with a label before each case.</param>
    public static IReadOnlyList<AttentionBenchmarkRow> RunCSharp(AttentionBenchmarkOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cases = new List<(AttentionBenchmarkRow Template, Action Work)>();
        var owned = new List<Tensor>();
        try
        {
            foreach (int length in options.Lengths)
            {
                AddCases(options, length, cases, owned);
            }

            var rows = new List<AttentionBenchmarkRow>();
            foreach (var (template, work) in cases)
            {
                progress?.Invoke($"{template.Impl} {template.Pass} L={template.Length} m={template.PrefixLength} {template.Feature}");
                var (min, median) = Time(work, options.Repetitions);
                rows.Add(template with { SecondsMin = min, SecondsMedian = median, Repetitions = options.Repetitions });
            }

            bool exact = ProcessMemory.UseExactResidentMemory();
            for (int i = 0; i < rows.Count; i++)
            {
                progress?.Invoke($"memory: {rows[i].Impl} {rows[i].Pass} L={rows[i].Length} m={rows[i].PrefixLength}");
                double? peak = ProcessMemory.PeakExtraMiB(cases[i].Work);
                rows[i] = rows[i] with { PeakExtraMiB = exact ? peak : null };
            }

            return rows;
        }
        finally
        {
            foreach (var t in owned)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Runs the Python baseline script and parses its rows; returns the script's JSON and rows, or an error text.</summary>
    /// <param name="python">The interpreter (Debian's /usr/bin/python3 with python3-torch).</param>
    /// <param name="script">experiments/baselines/attention_baseline.py.</param>
    /// <param name="options">Sizes (lengths, heads, dim, repetitions).</param>
    /// <param name="threads">Threads for PyTorch.</param>
    public static (JsonElement? Info, IReadOnlyList<AttentionBenchmarkRow> Rows, string? Error) RunPython(string python, string script, AttentionBenchmarkOptions options, int threads)
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
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, "--lengths" }.Concat(options.Lengths.Select(l => Str(l)))
                     .Concat(["--plain-ms"]).Concat(plainMs.Select(Str))
                     .Concat(["--heads", Str(options.Heads), "--dim", Str(options.Dim), "--threads", Str(threads), "--repetitions", Str(options.Repetitions), "--backward", "--seed", Str(options.Seed)]))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string stderr = stderrTask.Result;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stdout);
        }
        catch (JsonException)
        {
            return (null, [], $"the Python baseline failed (exit {process.ExitCode}): {stderr.Trim()} {stdout.Trim()}".Trim());
        }

        var root = document.RootElement.Clone();
        if (root.TryGetProperty("error", out var error))
        {
            return (root, [], error.GetString());
        }

        var rows = new List<AttentionBenchmarkRow>();
        foreach (var r in root.GetProperty("results").EnumerateArray())
        {
            rows.Add(new AttentionBenchmarkRow(
                r.GetProperty("impl").GetString()!,
                r.GetProperty("pass").GetString()!,
                r.GetProperty("L").GetInt32(),
                r.GetProperty("m").ValueKind == JsonValueKind.Null ? 0 : r.GetProperty("m").GetInt64(),
                r.GetProperty("impl").GetString() == "released_reference" ? "elu1" : string.Empty,
                r.GetProperty("causal").GetBoolean(),
                r.GetProperty("seconds_min").GetDouble(),
                r.GetProperty("seconds_median").GetDouble(),
                r.GetProperty("repetitions").GetInt32(),
                r.GetProperty("peak_extra_mib").ValueKind == JsonValueKind.Null ? null : r.GetProperty("peak_extra_mib").GetDouble(),
                "python"));
        }

        return (root, rows, null);
    }

    private static void AddCases(AttentionBenchmarkOptions o, int length, List<(AttentionBenchmarkRow, Action)> cases, List<Tensor> owned)
    {
        var generator = new Generator(unchecked((ulong)NtkProofs.Numerics.Seeds.Derive(o.Seed, 40, length)));
        Tensor Keep(Tensor t)
        {
            owned.Add(t.DetachFromDisposeScope());
            return t;
        }

        Tensor Randn(params long[] shape) => Keep(randn(shape, ScalarType.Float32, generator: generator));
        var q = Randn(1, o.Heads, length, o.Dim);
        var k = Randn(1, o.Heads, length, o.Dim);
        var v = Randn(1, o.Heads, length, o.Dim);
        var outputWeights = Randn(1, o.Heads, length, o.Dim);
        var maps = o.FeatureMaps.Select(s => FeatureMapParser.Parse(s, o.Dim)).ToList();
        var states = maps.Select(phi => (Phi: phi, Z: Keep(randn([o.Heads, phi.R, o.Dim], ScalarType.Float32, generator: generator) * 0.1f), K: Keep(rand([o.Heads, phi.R], ScalarType.Float32, generator: generator)))).ToList();
        var template = new AttentionBenchmarkRow(string.Empty, "forward", length, 0, string.Empty, false, 0, 0, 0, null, "csharp");

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

    private static (double Min, double Median) Time(Action work, int repetitions)
    {
        work();
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            times[i] = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        return (times[0], times[repetitions / 2]);
    }

    private static string Str(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
