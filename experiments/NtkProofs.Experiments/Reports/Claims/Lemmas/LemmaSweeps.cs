using System.Globalization;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Training;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>The lemma claims' typed sweeps grouped by setting (config names and grouping in one place).</summary>
public static class LemmaSweeps
{
    /// <summary>Config name of the L1 sweep (kernel-concentration).</summary>
    public const string Concentration = "concentration";

    /// <summary>Config name of the L2/L3 sweep (lazy-training).</summary>
    public const string Training = "training";

    /// <summary>Config name of the C4 sweep (capacity).</summary>
    public const string Capacity = "capacity";

    /// <summary>Config name of the m0 against (n, d) sweep (kernel-concentration).</summary>
    public const string M0 = "m0";

    private static readonly string[] SettingKeys = ["path", "scale", "n", "d", "c", "sigma", "max_cos"];

    /// <summary>Concentration records grouped by setting, ordered by path, scale and sigma.</summary>
    /// <param name="records">Typed records.</param>
    public static IReadOnlyList<KernelConcentrationResult> GroupConcentration(IReadOnlyList<TypedRecord<InitialKernelSample>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.GroupBy(r => Key(r.Point))
            .Select(g => new KernelConcentrationResult(LemmaParameters.Problem(g.First().Point, 0), g.Select(r => r.Result).ToList()))
            .OrderBy(r => r.Problem.ValuePath).ThenBy(r => r.Problem.Scale).ThenBy(r => r.Problem.Sigma).ThenBy(r => r.Problem.Samples).ThenBy(r => r.Problem.InputDim)
            .ToList();
    }

    /// <summary>Training records grouped by setting, init, centring and T (the problem carries <see cref="LemmaProblem.Centred"/>).</summary>
    /// <param name="records">Typed records.</param>
    public static IReadOnlyList<LazyTrainingResult> GroupTraining(IReadOnlyList<TypedRecord<LazyTrainingRecord>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records
            .GroupBy(r => Key(r.Point) + "|" + r.Point.Text("init") + "|" + r.Result.Centred + "|" + r.Point.Int("steps").ToString(CultureInfo.InvariantCulture))
            .Select(g =>
            {
                var p = g.First().Point;
                var options = new TrainingOptions(checked((int)p.Int("steps")), p.Real("eta0"), checked((int)p.Int("kernel_every")));
                var init = p.Text("init") == "symmetric" ? PrefixInit.Symmetric : PrefixInit.Random;
                return new LazyTrainingResult(LemmaParameters.Problem(p, 0, g.First().Result.Centred), options, init, g.Select(r => r.Result.ToSample()).ToList());
            })
            .OrderBy(r => r.Problem.ValuePath).ThenBy(r => r.Problem.Scale).ThenBy(r => r.Init).ThenBy(r => r.Problem.Centred)
            .ToList();
    }

    /// <summary>Capacity records grouped by setting (path, n, c, ...).</summary>
    /// <param name="records">Typed records.</param>
    public static IReadOnlyList<(LemmaProblem Problem, IReadOnlyList<CapacityRecord> Runs)> GroupCapacity(IReadOnlyList<TypedRecord<CapacityRecord>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.GroupBy(r => Key(r.Point))
            .Select(g => (LemmaParameters.Problem(g.First().Point, 0), (IReadOnlyList<CapacityRecord>)g.Select(r => r.Result).ToList()))
            .OrderBy(t => t.Item1.ValuePath).ThenBy(t => t.Item1.Samples)
            .ToList();
    }

    /// <summary>A short label of a setting: path, "(alpha = m)", "centred", "(symmetric init)".</summary>
    /// <param name="problem">The setting.</param>
    /// <param name="init">Initialization scheme.</param>
    public static string Label(LemmaProblem problem, PrefixInit init = PrefixInit.Random)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return LemmaParameters.Name(problem.ValuePath)
            + (problem.Scale == OutputScale.Linear ? " (alpha = m)" : string.Empty)
            + (problem.Centred ? " centred" : string.Empty)
            + (init == PrefixInit.Symmetric ? " (symmetric init)" : string.Empty);
    }

    /// <summary>
    /// Whether a sweep is large enough for a slope verdict: at least 2 replicates per m and m spanning at least 2^6 (six
    /// doublings). Smaller sweeps (the smoke profile) give "inconclusive" rather than a verdict from noise.
    /// </summary>
    /// <param name="prefixLengths">The m grid.</param>
    /// <param name="replicates">Replicates per m.</param>
    public static bool LargeEnough(IReadOnlyList<int> prefixLengths, int replicates)
    {
        ArgumentNullException.ThrowIfNull(prefixLengths);
        return replicates >= LemmaCriteria.MinReplicates && prefixLengths.Count >= 2 && prefixLengths[^1] / prefixLengths[0] >= LemmaCriteria.MinPrefixRange;
    }

    /// <summary>What a too-small sweep would need.</summary>
    /// <param name="prefixLengths">The m grid.</param>
    /// <param name="replicates">Replicates per m.</param>
    public static string TooSmall(IReadOnlyList<int> prefixLengths, int replicates)
    {
        ArgumentNullException.ThrowIfNull(prefixLengths);
        return FormattableString.Invariant($"sweep too small for a slope verdict (m = {prefixLengths[0]}..{prefixLengths[^1]}, {replicates} replicate(s); needs >= {LemmaCriteria.MinReplicates} replicates over a {LemmaCriteria.MinPrefixRange}x range of m): run the quick profile");
    }

    /// <summary>The log-log slope of the per-m means with a 95% bootstrap CI over replicates, from m &gt;= fromM.</summary>
    /// <param name="points">(m, value) per run.</param>
    /// <param name="fromM">Smallest m of the fit.</param>
    public static NtkProofs.Statistics.ConfidenceInterval Slope(IEnumerable<(int M, double Value)> points, int fromM = 1)
    {
        var groups = points.Where(p => p.M >= fromM).GroupBy(p => p.M).OrderBy(g => g.Key).ToList();
        if (groups.Count < 2)
        {
            return new NtkProofs.Statistics.ConfidenceInterval(double.NaN, double.NaN, double.NaN, 0.95); // no slope from one m
        }

        return NtkProofs.Statistics.BootstrapCi.LogLogSlope(
            groups.Select(g => (double)g.Key).ToList(),
            groups.Select(g => (IReadOnlyList<double>)g.Select(p => Math.Max(p.Value, 1e-300)).ToList()).ToList());
    }

    private static string Key(SweepPoint point) => string.Join("|", SettingKeys.Select(k => point.ToJson()[k]!.ToJsonString()));

    /// <summary>
    /// The measured m0 of a training setting (from the concentration setting of the same problem, un-centred) and its runs
    /// with m >= m0; when m0 is unknown or beyond the grid, the runs at the grid's largest m.
    /// </summary>
    /// <param name="training">One training setting.</param>
    /// <param name="concentration">Concentration results (for m0), possibly empty.</param>
    public static (int? M0, IReadOnlyList<TrainingSample> Runs) RunsFromM0(LazyTrainingResult training, IReadOnlyList<KernelConcentrationResult> concentration)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(concentration);
        int? m0 = concentration.FirstOrDefault(c => c.Problem == (training.Problem with { Centred = false }))?.MeasuredM0(LemmaCriteria.Delta);
        int largest = training.PrefixLengths[^1];
        var runs = training.Samples.Where(s => s.PrefixLength >= (m0 ?? largest)).ToList();
        return (m0, runs.Count > 0 ? runs : training.Samples.Where(s => s.PrefixLength == largest).ToList());
    }
}
