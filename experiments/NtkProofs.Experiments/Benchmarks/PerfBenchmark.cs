using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Measures every goal of issue #13 in one run: the GEMM probe, the empirical kernel (fixed, separate, tied), streamed prefix
/// attention forward and forward + backward, and NTK-Attention forward on the C# side, then the NumPy kernel baseline and the
/// plain PyTorch attention baseline, in rounds (each round times everything once, so a burst of load hits both sides), and
/// evaluates the targets on the merged minimum times (<see cref="PerfGoals"/>).
/// </summary>
public static class PerfBenchmark
{
    /// <summary>Prefix attention forward whose backward recomputes the scores block by block (memory flat in m, as FlashAttention).</summary>
    internal static Tensor RecomputingForward(Tensor q, Tensor k, Tensor v, Tensor pk, Tensor pv, long block) =>
        PrefixAttention.Forward(q, k, v, pk, pv, blockSize: block, recompute: true);

    /// <summary>How the forward + backward rows' backward is computed (stated in their note).</summary>
    internal const string BackwardNote = "backward: recomputing (PrefixAttention.Forward recompute: true, one autograd node)";

    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">Sizes and repetitions.</param>
    /// <param name="python">Interpreter with NumPy and PyTorch (Debian's /usr/bin/python3), or "none" to skip the peers.</param>
    /// <param name="threads">Threads on every side (TorchSharp must already be configured with them).</param>
    /// <param name="log">Progress lines, or null.</param>
    public static PerfResult Execute(PerfOptions options, string python, int threads, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(python);
        options.Validate();
        var clock = Stopwatch.StartNew();
        string loadBefore = AttentionBenchmarkRun.LoadAverage();
        using var scope = NewDisposeScope();
        var o = options;
        var cases = new List<(string Key, Action Work)>();

        // Empirical kernel, float64.
        var kernelPaths = new (string Key, ValuePath Path, long M)[] { ("fixed", ValuePath.FixedValue, o.KernelM), ("separate", ValuePath.SeparateValue, o.KernelM), ("tied", ValuePath.TiedValue, o.TiedM) };
        var kernelC = new Dictionary<string, int>(StringComparer.Ordinal);
        var placement = o.Placement;
        using var x = placement.Place(InputSets.UnitSphere(o.N, o.D, 2, 0.99));
        var models = new List<PrefixModel>();
        try
        {
            foreach (var (key, path, m) in kernelPaths)
            {
                var spec = PrefixModelSpec.Create(path, o.D, checked((int)m), 1.0, o.C);
                kernelC[key] = spec.OutputDim;
                var model = PrefixModel.Initialize(spec, 1);
                if (placement.IsCuda)
                {
                    // The fused float64 kernel is a CPU path; on CUDA the torch block products run on the device.
                    using var cpu = model;
                    model = new PrefixModel(spec, placement.Place(cpu.Prefix), cpu.Values is null ? null : placement.Place(cpu.Values));
                }

                models.Add(model);
                cases.Add(("kernel_" + key, () =>
                {
                    using var h = EmpiricalKernel.Compute(model, x);
                }));
            }

            // Attention, float32, batch 1.
            using var generator = new Generator(unchecked((ulong)Seeds.Derive(o.Seed, SeedStreams.AttentionBenchInputs, 1 << 20)));
            Tensor Randn(params long[] shape) => placement.Randn(generator, ScalarType.Float32, shape);
            var pk = Randn(o.Heads, o.PrefixM, o.Dim);
            var pv = Randn(o.Heads, o.PrefixM, o.Dim);
            var inputs = new Dictionary<int, (Tensor Q, Tensor K, Tensor V, Tensor W)>();
            foreach (int length in o.Lengths.Append(o.NtkLength).Distinct())
            {
                inputs[length] = (Randn(1, o.Heads, length, o.Dim), Randn(1, o.Heads, length, o.Dim), Randn(1, o.Heads, length, o.Dim), Randn(1, o.Heads, length, o.Dim));
            }

            foreach (int length in o.Lengths)
            {
                var (q, k, v, w) = inputs[length];
                cases.Add((Key("prefix_forward", length), () =>
                {
                    using var inner = NewDisposeScope();
                    using var noGrad = no_grad();
                    _ = PrefixAttention.Forward(q, k, v, pk, pv, blockSize: o.BlockSize);
                }));
                cases.Add((Key("prefix_forward_backward", length), ForwardBackward(q, k, v, pk, pv, w, o.BlockSize)));
            }

            var phi = FeatureMapParser.Parse(o.Feature, o.Dim);
            var z = Randn(o.Heads, phi.R, o.Dim) * 0.1f;
            var kSum = placement.Rand(generator, ScalarType.Float32, o.Heads, phi.R);
            {
                var (q, k, v, _) = inputs[o.NtkLength];
                cases.Add((Key("ntk_forward", o.NtkLength), () =>
                {
                    using var inner = NewDisposeScope();
                    using var noGrad = no_grad();
                    _ = NtkAttention.Forward(q, k, v, phi, z, kSum);
                }));
            }

            using var probe = new GemmProbe(o.GemmSize, o.Heads, o.Lengths.Max(), o.Dim, Math.Min(o.PrefixM, o.BlockSize > 0 ? o.BlockSize : PrefixAttention.BlockSizeFor((long)o.Heads * o.Lengths.Max())), o.Repetitions, o.MaxRepetitions, o.SecondsPerCase, placement);
            var samples = cases.ToDictionary(c => c.Key, _ => new List<double>(), StringComparer.Ordinal);
            bool runPython = !string.Equals(python, "none", StringComparison.Ordinal);
            string? numpyError = runPython ? null : "not measured: no Python given (--python none)";
            string? torchError = numpyError;
            JsonElement? numpyInfo = null, torchInfo = null;
            var numpyRows = new List<KernelBaselineRow>();
            var numpyGemm = new List<double>();
            var torchSamples = new List<(AttentionBenchmarkRow Row, List<double> Samples)>();
            var kernelCases = kernelPaths.Select(p => (p.Key, p.M)).ToList();
            var torchOptions = new AttentionBenchmarkOptions
            {
                Lengths = [.. o.Lengths.Append(o.NtkLength).Distinct()],
                MinLog2 = o.PrefixLog2,
                MaxLog2 = o.PrefixLog2,
                PlainMaxLog2 = o.PrefixLog2,
                BackwardMaxLog2 = o.PrefixLog2,
                Heads = o.Heads,
                Dim = o.Dim,
                Repetitions = o.Repetitions,
                MaxRepetitions = o.MaxRepetitions,
                SecondsPerCase = o.SecondsPerCase,
                Seed = o.Seed,
            };
            for (int round = 1; round <= o.Rounds; round++)
            {
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"round {round}/{o.Rounds}: GEMM probe and C# cases ..."));
                probe.TimeRound();
                foreach (var (key, work) in cases)
                {
                    log?.Invoke(key);
                    samples[key].AddRange(BenchTiming.Samples(work, o.Repetitions, o.MaxRepetitions, o.SecondsPerCase, placement));
                }

                // The probe again after the cases, so that load during either end of the round does not decide the rate.
                probe.TimeRound();

                if (numpyError is null)
                {
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"round {round}/{o.Rounds}: NumPy kernel baseline with {python} ..."));
                    var run = KernelBaseline.Run(python, KernelBaseline.FindScript(), kernelCases, o.N, o.D, o.C, threads, o.Repetitions, o.MaxRepetitions, o.SecondsPerCase, o.GemmSize, o.Seed);
                    numpyInfo = run.Info ?? numpyInfo;
                    numpyError = run.Error;
                    if (numpyError is not null)
                    {
                        numpyRows.Clear();
                        numpyGemm.Clear();
                    }
                    else
                    {
                        Merge(numpyRows, run.Rows);
                        if (double.IsFinite(run.GemmGflops))
                        {
                            numpyGemm.Add(run.GemmGflops);
                        }
                    }
                }

                if (torchError is null)
                {
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"round {round}/{o.Rounds}: plain PyTorch attention baseline with {python} ..."));
                    var (info, rows, error) = AttentionBenchmark.RunPython(python, KernelBaseline.FindScript("attention_baseline.py"), torchOptions, threads, measureMemory: false, backward: false);
                    torchInfo = info ?? torchInfo;
                    torchError = error ?? BlasLibraries.RefusalReason(info);
                    if (torchError is not null)
                    {
                        torchSamples.Clear();
                    }
                    else
                    {
                        foreach (var (row, s) in rows)
                        {
                            int index = torchSamples.FindIndex(p => p.Row.SameCase(row));
                            if (index < 0)
                            {
                                torchSamples.Add((row, [.. s]));
                            }
                            else
                            {
                                torchSamples[index].Samples.AddRange(s);
                            }
                        }
                    }
                }
            }

            // Peak memory of forward + backward at m and m / 4, after every timing (exact resident memory changes the allocator's mode).
            var memory = new Dictionary<int, (double? AtM, double? AtQuarter)>();
            // The probe is the process RSS: not measured on CUDA.
            bool exact = !placement.IsCuda && ProcessMemory.UseExactResidentMemory();
            try
            {
                foreach (int length in o.Lengths.Where(_ => !placement.IsCuda))
                {
                    var (q, k, v, w) = inputs[length];
                    long quarter = Math.Max(1, o.PrefixM / 4);
                    log?.Invoke(Key("memory: prefix_forward_backward", length));
                    double? atM = ProcessMemory.PeakExtraMiB(ForwardBackward(q, k, v, pk, pv, w, o.BlockSize));
                    double? atQuarter = ProcessMemory.PeakExtraMiB(ForwardBackward(q, k, v, pk.narrow(1, 0, quarter), pv.narrow(1, 0, quarter), w, o.BlockSize));
                    memory[length] = exact ? (atM, atQuarter) : (null, null);
                }
            }
            finally
            {
                ProcessMemory.RestoreCachingAllocator();
            }

            var gemm = probe.Rates;
            double Min(string key) => samples[key].Count == 0 ? double.NaN : samples[key].Min();
            double? NumPySeconds(string variant, long m) => numpyRows.FirstOrDefault(r => r.Variant == variant && r.M == m && r.N == o.N && r.D == o.D && r.C == kernelC[variant])?.SecondsMin;
            double? TorchSeconds(string impl, int length, long m) =>
                torchSamples.Where(p => p.Row.Impl == impl && p.Row.Pass == "forward" && p.Row.Length == length && p.Row.PrefixLength == m && !p.Row.Causal).Select(p => (double?)p.Samples.Min()).FirstOrDefault();

            var goals = new List<PerfGoalRow>();
            foreach (var (key, path, m) in kernelPaths)
            {
                int c = kernelC[key];
                goals.Add(PerfGoals.Rate(
                    $"empirical kernel, {key}", string.Create(CultureInfo.InvariantCulture, $"n {o.N}, d {o.D}, c {c}, m {m}"), "float64", Min("kernel_" + key),
                    PerfFlops.Kernel(path, o.N, o.D, c, m), gemm, key == "tied" ? PerfGoals.TiedGemmFraction : PerfGoals.KernelGemmFraction,
                    "NumPy", NumPySeconds(key, m), PerfGoals.KernelOverNumPy, numpyError, PerfFlops.KernelExps(o.N, m), PerfFlops.KernelFloor(path, o.N, o.D, c, m)));
            }

            foreach (int length in o.Lengths)
            {
                string sizes = string.Create(CultureInfo.InvariantCulture, $"H {o.Heads}, d {o.Dim}, L {length}, m {o.PrefixM}");
                double forward = Min(Key("prefix_forward", length));
                goals.Add(PerfGoals.Rate($"prefix attention forward, L = {length}", sizes, "float32", forward, PerfFlops.PrefixForward(o.Heads, length, o.PrefixM, o.Dim), gemm,
                    PerfGoals.PrefixGemmFraction, "plain PyTorch", TorchSeconds("plain_pytorch", length, o.PrefixM), PerfGoals.PrefixOverPyTorch, torchError,
                    PerfFlops.PrefixForwardExps(o.Heads, length, o.PrefixM)));
                goals.Add(PerfGoals.BackwardRatio($"prefix attention forward+backward, L = {length}", sizes, Min(Key("prefix_forward_backward", length)),
                    PerfFlops.PrefixForwardBackward(o.Heads, length, o.PrefixM, o.Dim), forward, gemm, BackwardNote + "; " + MemoryNote(memory.GetValueOrDefault(length, (null, null)), o.Heads, o.PrefixM, o.Dim),
                    PerfFlops.PrefixForwardBackwardExps(o.Heads, length, o.PrefixM), PerfFlops.PrefixForward(o.Heads, length, o.PrefixM, o.Dim), PerfFlops.PrefixForwardExps(o.Heads, length, o.PrefixM)));
            }

            goals.Add(PerfGoals.Rate(
                $"NTK-Attention forward ({phi.Name}), L = {o.NtkLength}", string.Create(CultureInfo.InvariantCulture, $"H {o.Heads}, d {o.Dim}, r {phi.R}, L {o.NtkLength}"), "float32",
                Min(Key("ntk_forward", o.NtkLength)), PerfFlops.NtkForward(o.Heads, o.NtkLength, phi.R, o.Dim), gemm, PerfGoals.NtkGemmFraction,
                phi is Elu1FeatureMap ? "released (PyTorch)" : null, phi is Elu1FeatureMap ? TorchSeconds("released_reference", o.NtkLength, 0) : null, null,
                phi is Elu1FeatureMap ? torchError : null, PerfFlops.NtkForwardExps(o.Heads, o.NtkLength, phi.R)));

            string torchLine = torchInfo is { ValueKind: JsonValueKind.Object } ti && ti.TryGetProperty("torch", out _)
                ? $"PyTorch {Text(ti, "torch")} ({Text(ti, "executable")}), BLAS {Text(ti, "blas")}, loaded: {string.Join(", ", BlasLibraries.Loaded(ti))}"
                : "no PyTorch baseline ran";
            var numpyRun = new KernelBaselineRun(numpyInfo, numpyRows, numpyError);
            return new PerfResult(goals, gemm, o.AtGoalSizes, numpyRun.Describe(), numpyError, numpyGemm.Count == 0 ? double.NaN : numpyGemm.Max(), numpyInfo,
                torchLine, torchError, torchInfo, loadBefore, AttentionBenchmarkRun.LoadAverage(), threads, o.Rounds, clock.Elapsed.TotalSeconds, MklSetting.Current, placement.Name)
            {
                OpenMp = OpenMpSettings.Describe(),
            };
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }
    }

    private static void Merge(List<KernelBaselineRow> into, IReadOnlyList<KernelBaselineRow> rows)
    {
        foreach (var row in rows)
        {
            int index = into.FindIndex(r => r.SameCase(row));
            if (index < 0)
            {
                into.Add(row);
            }
            else
            {
                into[index] = into[index] with { Samples = [.. into[index].Samples, .. row.Samples] };
            }
        }
    }

    private static Action ForwardBackward(Tensor q, Tensor k, Tensor v, Tensor pk, Tensor pv, Tensor w, long blockSize) => () =>
    {
        using var inner = NewDisposeScope();
        var leaves = new[] { q, k, v, pk, pv }.Select(t => t.detach().requires_grad_(true)).ToArray();
        (RecomputingForward(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], blockSize) * w).sum().backward();
    };

    /// <summary>
    /// The peak extra memory of forward + backward at m and m / 4, and the part that is the prefix gradients (2 H m d float32,
    /// which any backward must hold): flat in m means the rest does not grow with m.
    /// </summary>
    internal static string MemoryNote((double? AtM, double? AtQuarter) peak, long heads, long m, long dim)
    {
        if (peak.AtM is not { } full || peak.AtQuarter is not { } quarter)
        {
            return "peak memory: not measured (no exact resident-memory accounting here)";
        }

        long q = Math.Max(1, m / 4);
        double gradients = 2.0 * heads * m * dim * sizeof(float) / (1 << 20), gradientsQuarter = 2.0 * heads * q * dim * sizeof(float) / (1 << 20);
        return string.Create(CultureInfo.InvariantCulture,
            $"peak extra memory {full:0} MiB at m = {m} and {quarter:0} MiB at m = {q}; beyond the prefix gradients ({gradients:0} and {gradientsQuarter:0} MiB): {full - gradients:0} and {quarter - gradientsQuarter:0} MiB");
    }

    private static string Key(string what, int length) => string.Create(CultureInfo.InvariantCulture, $"{what}_L{length}");

    private static string Text(JsonElement info, string name) =>
        info.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown";
}
