using System.Globalization;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>A named ratio with the goal it is compared against (null when there is no goal).</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Value">The ratio (baseline time / our time, so &gt; 1 means faster), NaN when a side is missing.</param>
/// <param name="Goal">The target of the issue, if any.</param>
public sealed record BenchmarkRatio(string Name, double Value, double? Goal)
{
    /// <summary>Whether the goal is met (null without a goal or a value).</summary>
    public bool? Met => Goal is { } g && !double.IsNaN(Value) ? Value >= g : null;
}

/// <summary>The crossover m* where NtkAttention becomes cheaper than streamed prefix attention.</summary>
/// <param name="Length">L.</param>
/// <param name="Pass">forward or forward+backward.</param>
/// <param name="Feature">Feature map.</param>
/// <param name="GridPoint">Smallest measured m with NTK time &lt;= prefix time (0 if none).</param>
/// <param name="Interpolated">m* from log-log interpolation between the bracketing grid points (NaN if not bracketed).</param>
public sealed record Crossover(int Length, string Pass, string Feature, long GridPoint, double Interpolated);

/// <summary>Ratios, crossovers and flatness checks derived from the benchmark rows.</summary>
/// <param name="Ratios">Speed ratios.</param>
/// <param name="Crossovers">m* per L, pass and feature map.</param>
/// <param name="NtkFlatness">Per L and feature: max / min of the NTK forward time over m (1 = perfectly flat).</param>
/// <param name="PrefixMemoryMiB">Per L: min and max peak extra memory of the streamed forward over m.</param>
public sealed record AttentionBenchmarkSummary(IReadOnlyList<BenchmarkRatio> Ratios, IReadOnlyList<Crossover> Crossovers, IReadOnlyDictionary<string, double> NtkFlatness, IReadOnlyDictionary<string, double[]> PrefixMemoryMiB)
{
    /// <summary>The m at which the headline ratios are taken.</summary>
    public const long HeadlineM = 1L << 16;

    /// <summary>Derives the summary.</summary>
    public static AttentionBenchmarkSummary From(IReadOnlyList<AttentionBenchmarkRow> rows, AttentionBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        double Time(string side, string impl, string pass, int length, long m, string feature, bool causal = false) =>
            rows.FirstOrDefault(r => r.Side == side && r.Impl == impl && r.Pass == pass && r.Length == length && r.PrefixLength == m && r.Feature == feature && r.Causal == causal)?.SecondsMin ?? double.NaN;

        var maps = options.FeatureMaps.Select(s => NtkProofs.FeatureMaps.FeatureMapParser.Parse(s, options.Dim).Name).ToList();
        var ratios = new List<BenchmarkRatio>();
        foreach (int length in options.Lengths)
        {
            foreach (var map in maps)
            {
                foreach (var pass in new[] { "forward", "forward+backward" })
                {
                    ratios.Add(new BenchmarkRatio(
                        I($"prefix streamed / ntk {map}, {pass}, m = 2^16, L = {length}"),
                        Time("csharp", "prefix_streamed", pass, length, HeadlineM, string.Empty) / Time("csharp", "ntk", pass, length, HeadlineM, map),
                        length == 128 && pass == "forward" && map == "elu1" ? 10.0 : null));
                }
            }

            ratios.Add(new BenchmarkRatio(I($"plain PyTorch / prefix streamed, forward, m = 2^16, L = {length}"), Time("python", "plain_pytorch", "forward", length, HeadlineM, string.Empty) / Time("csharp", "prefix_streamed", "forward", length, HeadlineM, string.Empty), 2.0));
            ratios.Add(new BenchmarkRatio(I($"plain PyTorch / prefix streamed, forward+backward, m = 2^16, L = {length}"), Time("python", "plain_pytorch", "forward+backward", length, HeadlineM, string.Empty) / Time("csharp", "prefix_streamed", "forward+backward", length, HeadlineM, string.Empty), null));
            ratios.Add(new BenchmarkRatio(I($"dense TorchSharp / prefix streamed, forward, m = 2^16, L = {length}"), Time("csharp", "dense_torchsharp", "forward", length, HeadlineM, string.Empty) / Time("csharp", "prefix_streamed", "forward", length, HeadlineM, string.Empty), null));
            foreach (bool causal in new[] { true, false })
            {
                string c = causal ? "causal" : "not causal";
                ratios.Add(new BenchmarkRatio(I($"released (PyTorch) / ntk elu1, forward, L = {length}, {c}"), Time("python", "released_reference", "forward", length, 0, "elu1", causal) / Time("csharp", "ntk", "forward", length, 0, "elu1", causal), length == 512 ? 1.5 : null));
                ratios.Add(new BenchmarkRatio(I($"released (C# port) / ntk elu1, forward, L = {length}, {c}"), Time("csharp", "released_port", "forward", length, 0, "elu1", causal) / Time("csharp", "ntk", "forward", length, 0, "elu1", causal), null));
            }
        }

        var crossovers = new List<Crossover>();
        var flatness = new Dictionary<string, double>();
        var memory = new Dictionary<string, double[]>();
        foreach (int length in options.Lengths)
        {
            foreach (var map in maps)
            {
                var ntkTimes = options.PrefixLengths.Select(m => Time("csharp", "ntk", "forward", length, m, map)).Where(t => !double.IsNaN(t)).ToList();
                if (ntkTimes.Count > 0)
                {
                    flatness[I($"L = {length}, {map}")] = ntkTimes.Max() / ntkTimes.Min();
                }

                foreach (var pass in new[] { "forward", "forward+backward" })
                {
                    var points = options.PrefixLengths
                        .Select(m => (M: m, Prefix: Time("csharp", "prefix_streamed", pass, length, m, string.Empty), Ntk: Time("csharp", "ntk", pass, length, m, map)))
                        .Where(p => !double.IsNaN(p.Prefix) && !double.IsNaN(p.Ntk)).ToList();
                    crossovers.Add(FindCrossover(length, pass, map, points));
                }
            }

            var peaks = rows.Where(r => r.Side == "csharp" && r.Impl == "prefix_streamed" && r.Pass == "forward" && r.Length == length && r.PeakExtraMiB is not null).Select(r => r.PeakExtraMiB!.Value).ToList();
            if (peaks.Count > 0)
            {
                memory[I($"L = {length}")] = [peaks.Min(), peaks.Max()];
            }
        }

        return new AttentionBenchmarkSummary(ratios, crossovers, flatness, memory);
    }

    /// <summary>Human-readable lines.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var r in Ratios.Where(r => !double.IsNaN(r.Value)))
        {
            yield return I($"{r.Name}: {r.Value:0.00}x") + (r.Goal is { } g ? I($" (goal >= {g}x: {(r.Met == true ? "met" : "NOT met")})") : string.Empty);
        }

        foreach (var c in Crossovers)
        {
            yield return c.GridPoint > 0
                ? I($"crossover m* (L = {c.Length}, {c.Pass}, {c.Feature}): NTK cheaper from m = {c.GridPoint} on the grid, interpolated m* = {c.Interpolated:0}")
                : I($"crossover m* (L = {c.Length}, {c.Pass}, {c.Feature}): not reached on the grid");
        }

        foreach (var (key, value) in NtkFlatness)
        {
            yield return I($"NTK forward time over m, {key}: max / min = {value:0.00}");
        }

        foreach (var (key, value) in PrefixMemoryMiB)
        {
            yield return I($"streamed prefix forward, {key}: peak extra memory {value[0]:0} to {value[1]:0} MiB over m");
        }
    }

    private static Crossover FindCrossover(int length, string pass, string feature, List<(long M, double Prefix, double Ntk)> points)
    {
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i].Ntk <= points[i].Prefix)
            {
                double interpolated = double.NaN;
                if (i == 0)
                {
                    interpolated = points[0].M;
                }
                else
                {
                    // log(prefix / ntk) changes sign between points i-1 and i: interpolate linearly in log m.
                    double a = Math.Log(points[i - 1].Prefix / points[i - 1].Ntk), b = Math.Log(points[i].Prefix / points[i].Ntk);
                    double la = Math.Log(points[i - 1].M), lb = Math.Log(points[i].M);
                    interpolated = Math.Exp(la + ((lb - la) * (0 - a) / (b - a)));
                }

                return new Crossover(length, pass, feature, points[i].M, interpolated);
            }
        }

        return new Crossover(length, pass, feature, 0, double.NaN);
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
