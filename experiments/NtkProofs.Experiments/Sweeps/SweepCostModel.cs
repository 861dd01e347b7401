namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// A simple per-experiment cost model for <c>sweep --dry-run</c>: each experiment's seconds per point are
/// <c>a + b * work(point)</c> (plus c * steps for training loops), with a rough operation count per experiment and the
/// constants fitted by least squares to the per-point seconds of the committed quick report (<see cref="CalibrationMachine"/>).
/// Point-level errors of a factor of a few are usual for the fast experiments; over a whole config the calibration data are
/// reproduced to within about 10%. It is an estimate
/// for sizing a run (shards, time limits), never a measurement.
/// </summary>
public static class SweepCostModel
{
    /// <summary>Where the constants come from.</summary>
    public const string CalibrationMachine = "the quick report of commit 5b0b938 (AMD EPYC, 2 logical cores, 2 torch threads, CPU)";

    private static readonly Dictionary<string, CostRule> Rules = new CostRule[]
    {
        new("kernel-concentration", "(n c)^2 m d", p => Sq(p.Int("n") * p.Int("c")) * p.Int("m") * p.Int("d"), 0.0031, 3.53e-11),
        new("lazy-training", "steps n c m (d + c)", p => (double)p.Int("steps") * p.Int("n") * p.Int("c") * p.Int("m") * (p.Int("d") + p.Int("c")), 0.21, 1.6e-9),
        new("capacity", "steps n c m (d + c)", p => (double)p.Int("steps") * p.Int("n") * p.Int("c") * p.Int("m") * (p.Int("d") + p.Int("c")), 0.26, 1.44e-9),
        new("causal-lemmas", "(steps + 1) n L m (d + c)", p => (p.Int("steps") + 1.0) * p.Int("n") * p.Int("query_length") * p.Int("m") * (p.Int("d") + p.Int("c")), 0.006, 1.9e-9), // fitted to its quick config: 336 points in 22 s on a quiet machine
        new("ntk-bound", "m (r + L) d", BoundWork, 0.0070, 4.0e-9),
        new("ntk-identities", "m (r + L) d", p => (double)p.Int("m") * (Taylor(p.Int("dim"), p.Int("degree")) + p.Int("length")) * p.Int("dim"), 0.0074, 9.6e-9),
        new("ntk-trained", "steps batch L (m + L + r) d", TrainedWork, 0, 3.5e-10, "steps", 3.1e-3),
        new("small-prefix", "steps batch L (m + L + r) d", TrainedWork, 0, 3.5e-10, "steps", 3.1e-3),
        new("theoremb-real", "(3 steps batch + sentences) tokens", p => ((3.0 * p.Int("steps") * p.Int("batch")) + p.Int("sentences")) * p.Int("max_length"), 1.06, 3.76e-4),
        new("attention-bench", "point", _ => 1, 115, 0),
        new("perf", "point", _ => 1, 45, 0), // not fitted: the quick config's budget (<= 60 s on 2 cores)
        new("width-bench", "point", _ => 1, 10.2, 0),
        new("inference", "point", _ => 1, 42.5, 0),
        new("released-defects", "point", _ => 1, 0.52, 0),
    }.ToDictionary(r => r.Experiment, StringComparer.Ordinal);

    /// <summary>The rule of an experiment, or null when it has none (no calibration data, e.g. fine-tuning).</summary>
    /// <param name="experiment">Experiment name.</param>
    public static CostRule? For(string experiment) => Rules.GetValueOrDefault(experiment);

    /// <summary>Estimates the cost of the given points of one experiment.</summary>
    /// <param name="experiment">Experiment name.</param>
    /// <param name="points">Resolved points (every parameter present, as in a plan).</param>
    public static SweepCostEstimate Estimate(string experiment, IEnumerable<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        var rule = For(experiment);
        return new SweepCostEstimate(experiment, list.Count, rule is null ? null : list.Sum(rule.Seconds), rule);
    }

    /// <summary>Estimates the cost of a plan's points (or one shard of them).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="shard">The shard, or null for every point.</param>
    public static SweepCostEstimate Estimate(SweepPlan plan, ShardSpec? shard = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Estimate(plan.Experiment, plan.Select(shard).Select(p => p.Point));
    }

    private static double Sq(double x) => x * x;

    private static double Taylor(long dim, long degree) => FeatureMaps.TaylorFeatureMap.FeatureCount(checked((int)dim), checked((int)degree));

    private static double BoundWork(SweepPoint p)
    {
        long dim = p.Int("dim"), degree = p.Int("degree");
        bool prf = p.Names.Contains("feature") && p.Text("feature") == "prf";

        // degree 0 picks g(m) after a probe at g = 2: about two solves at a moderate degree.
        double r = prf ? p.Int("r") : Taylor(dim, degree == 0 ? 4 : degree);
        return (degree == 0 && !prf ? 2.0 : 1.0) * p.Int("m") * (r + p.Int("length")) * dim;
    }

    private static double TrainedWork(SweepPoint p)
    {
        long dim = p.Int("dim");
        var spec = p.Text("feature").Split(':');
        double r = spec[0] switch
        {
            "taylor" when spec.Length > 1 && long.TryParse(spec[1], System.Globalization.CultureInfo.InvariantCulture, out long g) => Taylor(dim, g),
            "prf" when spec.Length > 1 && long.TryParse(spec[1], System.Globalization.CultureInfo.InvariantCulture, out long rr) => rr,
            _ => dim,
        };
        return (double)p.Int("steps") * p.Int("batch") * p.Int("length") * (p.Int("m") + p.Int("length") + r) * dim;
    }
}
