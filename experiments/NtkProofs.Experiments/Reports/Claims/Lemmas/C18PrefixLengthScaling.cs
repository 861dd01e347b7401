using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>One P-Tuning v2 fine-tuning run as C18's real half reads it.</summary>
/// <param name="Task">Task name.</param>
/// <param name="PrefixLength">m.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="TestAccuracy">Test accuracy in [0, 1].</param>
/// <param name="TestCorrect">Per-example test correctness (<see cref="Correctness"/>), empty when not stored.</param>
/// <param name="Tuning">The learning-rate tuning of its configuration (<see cref="RateTuning.Rule"/>); null: no search.</param>
public sealed record PrefixAccuracy(string Task, int PrefixLength, long Seed, double TestAccuracy, string TestCorrect = "", RateTuning? Tuning = null);

/// <summary>C18's real half for one task: test accuracy against m and its trend.</summary>
/// <param name="Task">Task name.</param>
/// <param name="Means">Mean test accuracy per m (ascending m), with the number of seeds.</param>
/// <param name="CommonSeeds">Seeds present at every m of the task.</param>
/// <param name="SlopePerDecade">
/// Least-squares slope of accuracy against log10 m (accuracy per decade of m), with a 95% CI: where every common seed stored
/// its per-example test correctness at every m, the crossed seeds x test-examples CI of the slope contrast
/// sum_m w_m y_m[s, i] (<see cref="CrossedVariance"/>: the test sentences are shared by every m and seed); else a bootstrap
/// over seeds resampled jointly across m. Null with fewer than 2 m or 2 common seeds.
/// </param>
/// <param name="Crossed">Whether the CI is the crossed design's (else the seed bootstrap's).</param>
/// <param name="Untuned">The m whose learning rate is not known to be tuned (<see cref="RateTuning.Decidable"/> false), with their state.</param>
public sealed record C18RealTask(string Task, IReadOnlyList<(int PrefixLength, double Mean, int Seeds)> Means, int CommonSeeds, ConfidenceInterval? SlopePerDecade, bool Crossed = false, IReadOnlyList<(int PrefixLength, RateTuning Tuning)>? Untuned = null);

/// <summary>C18's evidence: the capacity sweep (stylized half, shared with C4) and the P-Tuning v2 runs (real half).</summary>
/// <param name="Stylized">Capacity evidence, or null when the capacity sweep did not run.</param>
/// <param name="Real">Every P-Tuning v2 run found (possibly none).</param>
public sealed record C18Evidence(CapacityEvidence? Stylized, IReadOnlyList<PrefixAccuracy> Real);

/// <summary>C18: longer prefixes learn more (the paper's prefix-length scaling reading), stylized and real.</summary>
public sealed class C18PrefixLengthScaling : IClaim
{
    /// <summary>The rule, in words.</summary>
    public const string Rule =
        "stylized half = C4's rule on the same capacity sweep (m_fit(n, c, eps) grows with n c and the residual beyond m_fit does not rise beyond the replicate spread); " +
        "real half = P-Tuning v2 test accuracy against m in {1, 10, 100, 1000}: the slope of accuracy against log10 m with a 95% CI of the crossed seeds x test-examples design (the slope contrast per seed and test sentence; variance components by the method of moments, Student t with Satterthwaite df; a bootstrap over seeds where per-example correctness is not stored) (>= 5 seeds at each m), per task, decided only where every m's learning rate is known to be tuned (" + RateTuning.Rule + "). " +
        "Supported only if both halves support (stylized: C4 supported; real: every task has all four m and a slope CI wholly above 0); " +
        "not supported if either contradicts (stylized: m_fit not growing or the residual rising beyond the spread; real: a task with >= 5 seeds whose slope CI lies wholly below 0); " +
        "inconclusive otherwise, saying what is missing (the real half without runs is 'not run')";

    /// <summary>The fine-tuning configs the real half reads.</summary>
    public static IReadOnlyList<string> FineTuningConfigs { get; } = [FineTuningCriteria.BaselineConfig, FineTuningCriteria.ProtocolConfig, FineTuningCriteria.ProtocolWideConfig];

    /// <inheritdoc />
    public string Id => "C18";

    /// <inheritdoc />
    public string Statement => "longer prefixes learn more (the paper's prefix-length scaling reading)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [LemmaSweeps.Capacity, .. FineTuningConfigs];

    /// <summary>
    /// The P-Tuning v2 runs of the report's fine-tuning sweeps (single runs and protocol seeds). The only place C18 reads
    /// fine-tuning results (through <see cref="FineTuningRuns.Of"/>), so a change of the fine-tuning records is adapted here alone.
    /// </summary>
    /// <param name="inputs">The report's inputs.</param>
    public static IReadOnlyList<PrefixAccuracy> RealRuns(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var tuning = FineTuningRuns.Tuning(inputs);
        return FineTuningRuns.Of(inputs)
            .Where(r => r.Method == PrefixTuningAdapterConfig.MethodName)
            .Select(r => new PrefixAccuracy(r.Task, PrefixLength(r), r.Seed, r.TestAccuracy, r.TestCorrect, RateTuning.For(tuning, r)))
            .ToList();
    }

    /// <summary>A P-Tuning v2 run's prefix length: its sweep point's prefix_length, else its adapter config's num_virtual_tokens.</summary>
    private static int PrefixLength(FinetuneRun run)
    {
        if (JsonNode.Parse(run.SettingKey) is JsonObject key && key["prefix_length"] is { } m)
        {
            return m.GetValue<int>();
        }

        return JsonNode.Parse(run.AdapterConfigText)?["num_virtual_tokens"]?.GetValue<int>()
            ?? throw new InvalidOperationException($"a P-Tuning v2 run ({run.Task}, seed {run.Seed}) records no prefix length");
    }

    /// <summary>Summarizes the real runs per task (pure).</summary>
    /// <param name="runs">P-Tuning v2 runs.</param>
    public static IReadOnlyList<C18RealTask> RealTasks(IReadOnlyList<PrefixAccuracy> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return runs.GroupBy(r => r.Task).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var byM = g.GroupBy(r => r.PrefixLength).OrderBy(x => x.Key).ToList();
            var means = byM.Select(x => (x.Key, x.Average(r => r.TestAccuracy), x.Select(r => r.Seed).Distinct().Count())).ToList();
            var common = byM.Select(x => x.Select(r => r.Seed).ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; }).Order().ToList();
            ConfidenceInterval? slope = null;
            bool crossed = false;
            if (byM.Count >= 2 && common.Count >= 2)
            {
                var logM = byM.Select(x => Math.Log10(x.Key)).ToList();
                if (CrossedSlope(logM, byM.Select(x => x.ToList()).ToList(), common) is { } ci)
                {
                    (slope, crossed) = (ci, true);
                }
                else
                {
                    // One group of seeds, each carrying its accuracies at every m: resampling seeds keeps the pairing across m.
                    var perSeed = common.Select(s => (IReadOnlyList<double>)byM.Select(x => x.Where(r => r.Seed == s).Average(r => r.TestAccuracy)).ToList()).ToList();
                    slope = BootstrapCi.OverGroups<IReadOnlyList<double>>([perSeed], gs => Slope(logM, Enumerable.Range(0, logM.Count).Select(i => gs[0].Average(v => v[i])).ToList()));
                }
            }

            // One state per m: the first run's (every run of a configuration shares its protocol point's state).
            var untuned = byM.Select(x => (PrefixLength: x.Key, Tuning: x.Select(r => r.Tuning).FirstOrDefault(t => t is not null) ?? RateTuning.None))
                .Where(x => !x.Tuning.Decidable).ToList();
            return new C18RealTask(g.Key, means, common.Count, slope, crossed, untuned);
        }).ToList();
    }

    /// <summary>
    /// The slope's CI from the crossed design, in accuracy units: per common seed s and test example i the contrast
    /// c[s, i] = sum_m w_m y_m[s, i] with the least-squares weights w_m = (x_m - mean x) / sum (x - mean x)^2 (its mean is the
    /// slope of the mean accuracies); null unless every common seed has one run with stored correctness at every m, all of
    /// one length.
    /// </summary>
    private static ConfidenceInterval? CrossedSlope(IReadOnlyList<double> logM, IReadOnlyList<List<PrefixAccuracy>> byM, IReadOnlyList<long> common)
    {
        double mean = logM.Average(), sxx = logM.Sum(v => (v - mean) * (v - mean));
        var w = logM.Select(v => (v - mean) / sxx).ToArray();
        var cells = common.Select(s => byM.Select(x => x.FirstOrDefault(r => r.Seed == s && r.TestCorrect.Length > 0)).ToArray()).ToList();
        if (cells.Any(row => row.Any(c => c is null)))
        {
            return null;
        }

        var decoded = cells.Select(row => row.Select(c => Correctness.Decode(c!.TestCorrect)).ToArray()).ToList();
        int n = decoded[0][0].Length;
        if (n < 2 || decoded.Any(row => row.Any(b => b.Length != n)))
        {
            return null;
        }

        var values = decoded.Select(row =>
        {
            var c = new double[n];
            for (int j = 0; j < row.Length; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    c[i] += row[j][i] ? w[j] : 0;
                }
            }

            return c;
        }).ToList();
        var ci = CrossedVariance.OfValues(values).Interval();
        return new ConfidenceInterval(ci.Estimate / 100, ci.Low / 100, ci.High / 100, ci.Level);
    }

    /// <summary>The verdict from C18's evidence (pure).</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C18Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var numbers = new List<string>();
        var against = new List<string>();
        var undecided = new List<string>();

        // Stylized half: C4's rule on the shared capacity evidence.
        Half stylized;
        string stylizedHead;
        if (e.Stylized is null)
        {
            stylized = Half.Undecided;
            stylizedHead = "stylized not run";
            undecided.Add($"stylized: the '{LemmaSweeps.Capacity}' sweep did not run");
        }
        else
        {
            var c4 = C4Capacity.Decide(e.Stylized);
            stylized = c4.Verdict switch { Verdict.Supported => Half.Supports, Verdict.NotSupported => Half.Contradicts, _ => Half.Undecided };
            stylizedHead = "stylized " + c4.Headline;
            numbers.Add(F($"stylized (C4's rule, verdict {VerdictText.Of(c4.Verdict)}): {c4.Headline}"));
            numbers.AddRange(c4.Numbers.Select(n => "stylized: " + n));
            against.AddRange(c4.AgainstList.Select(a => "stylized: " + a));
            if (stylized == Half.Undecided)
            {
                undecided.Add("stylized: " + (c4.Decider ?? "C4's rule is undecided"));
            }
        }

        // Real half: P-Tuning v2 accuracy against m.
        Half real;
        string realHead;
        var tasks = RealTasks(e.Real);
        string needed = F($"needs P-Tuning v2 runs at m in {{{string.Join(",", CausalCriteria.RealPrefixLengths)}}} with >= {CausalCriteria.RealMinSeeds} seeds");
        if (tasks.Count == 0)
        {
            real = Half.Undecided;
            realHead = "real not run";
            numbers.Add("real: not run: " + needed);
            undecided.Add("real: not run: " + needed);
        }
        else
        {
            var verdicts = new List<Half>();
            foreach (var t in tasks)
            {
                numbers.Add(F($"real {t.Task}: ") + string.Join(", ", t.Means.Select(x => F($"m = {x.PrefixLength}: {x.Mean:P1} ({x.Seeds} seed(s))"))) +
                    F($"; slope per decade of m {(t.SlopePerDecade is { } s ? F($"{s.Estimate * 100:F2} points [{s.Low * 100:F2}, {s.High * 100:F2}]") : "n/a")} over {t.CommonSeeds} common seed(s){(t.SlopePerDecade is null ? string.Empty : t.Crossed ? " (crossed seeds x test examples)" : " (bootstrap over seeds)")}"));
                bool enoughSeeds = t.CommonSeeds >= CausalCriteria.RealMinSeeds;
                var missing = CausalCriteria.RealPrefixLengths.Where(m => !t.Means.Any(x => x.PrefixLength == m)).ToList();
                var untuned = t.Untuned ?? [];
                if (untuned.Count > 0)
                {
                    numbers.Add(F($"real {t.Task}: learning rate ") + string.Join("; ", untuned.Select(u => F($"m = {u.PrefixLength}: {u.Tuning.Text}"))));
                }
                if (t.SlopePerDecade is { } slope && slope.Estimate < 0)
                {
                    against.Add(F($"real {t.Task}: accuracy falls with m ({slope.Estimate * 100:F2} points per decade)"));
                }

                if (t.SlopePerDecade is { } sl && enoughSeeds && sl.High < 0 && untuned.Count == 0)
                {
                    verdicts.Add(Half.Contradicts);
                }
                else if (t.SlopePerDecade is { } su && enoughSeeds && missing.Count == 0 && su.Low > 0 && untuned.Count == 0)
                {
                    verdicts.Add(Half.Supports);
                }
                else
                {
                    verdicts.Add(Half.Undecided);
                    bool decisiveCi = t.SlopePerDecade is { } sd && (sd.High < 0 || sd.Low > 0);
                    undecided.Add(F($"real {t.Task}: ") + (missing.Count > 0 ? F($"m = {string.Join(", ", missing)} not run; ") : string.Empty) +
                        string.Concat(untuned.Select(u => u.Tuning.Decider(F($"{t.Task} m = {u.PrefixLength}")) + "; ")) +
                        (!enoughSeeds ? F($"{t.CommonSeeds} common seed(s): {needed}") : decisiveCi ? "the slope CI over the m run so far excludes 0" : "slope CI straddles 0: more seeds would decide"));
                }
            }

            real = verdicts.Contains(Half.Contradicts) ? Half.Contradicts : verdicts.All(v => v == Half.Supports) ? Half.Supports : Half.Undecided;
            var shown = tasks.Where(t => t.SlopePerDecade is not null).ToList();
            realHead = shown.Count == 0 ? "real: too few runs" : "real " + string.Join(", ", shown.Select(t => F($"{t.Task} {t.SlopePerDecade!.Value.Estimate * 100:F1} pts/decade")));
        }

        numbers.Add(F($"halves: stylized {Name(stylized)}, real {Name(real)}"));
        var verdict = stylized == Half.Contradicts || real == Half.Contradicts ? Verdict.NotSupported
            : stylized == Half.Supports && real == Half.Supports ? Verdict.Supported
            : Verdict.Inconclusive;
        return new ClaimResult(verdict, stylizedHead + "; " + realHead, numbers, Rule, verdict == Verdict.Inconclusive ? string.Join("; ", undecided) : null, against);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var capacity = inputs.Results<Experiments.Lemmas.CapacityRecord>(LemmaSweeps.Capacity);
        var real = RealRuns(inputs);
        if (capacity is null && real.Count == 0)
        {
            return ClaimResult.NotRun(Rule, $"neither the '{LemmaSweeps.Capacity}' sweep nor P-Tuning v2 runs at m in {{1, 10, 100, 1000}} ran in this profile");
        }

        var evidence = new C18Evidence(capacity is null ? null : CapacityEvidence.From(capacity), real);
        var figures = new List<ClaimFigure>();
        if (evidence.Stylized is { } s)
        {
            figures.Add(new ClaimFigure(C4Capacity.Figure(s) with { Name = "fig_c18_capacity", Title = "C18 stylized: residual after T steps against prefix length" },
                "The capacity sweep shared with C4: median R_T / R_0 against m per (value path, n c); m_fit is where a line first crosses eps (dotted)."));
        }

        if (real.Count > 0)
        {
            figures.Add(new ClaimFigure(RealFigure(RealTasks(real)), "P-Tuning v2 test accuracy against prefix length m, mean over seeds."));
        }

        return Decide(evidence) with { Figures = figures, Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command)] };
    }

    /// <summary>The real half's figure: mean test accuracy against m per task.</summary>
    /// <param name="tasks">Per-task summaries.</param>
    public static FigureSpec RealFigure(IReadOnlyList<C18RealTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var series = tasks.Select(t => new FigureSeries(t.Task, t.Means.Select(x => (double)x.PrefixLength).ToList(), t.Means.Select(x => x.Mean).ToList())).ToList();
        return new FigureSpec("fig_c18_ptuning", "C18 real: P-Tuning v2 accuracy against prefix length", "prefix length m", "test accuracy", AxisScale.Log10, AxisScale.Linear, series);
    }

    private enum Half
    {
        Supports,
        Contradicts,
        Undecided,
    }

    private static string Name(Half h) => h switch { Half.Supports => "supports", Half.Contradicts => "contradicts", _ => "undecided" };

    private static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average();
        double sxx = x.Sum(v => (v - mx) * (v - mx));
        return sxx > 0 ? x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / sxx : double.NaN;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
