using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Model;
using NtkProofs.Statistics;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C18's rule on synthetic evidence: every verdict, from either half.</summary>
public sealed class C18PrefixLengthScalingTests
{
    private static readonly int[] Grid = [2, 4, 8, 16, 32, 64, 128, 256];

    private static CapacitySetting Setting(int n, int? fitAt) =>
        new(ValuePath.FixedValue, n, 2, 400, Grid.Select(m =>
        {
            double ratio = fitAt is int f && m >= f ? 1e-4 : 0.5;
            return new CapacityPoint(m, ratio, ratio * 0.9, ratio * 1.1, 3, 0);
        }).ToList());

    private static CapacityEvidence Growing => new([Setting(4, 8), Setting(8, 16), Setting(16, 64), Setting(32, 128)], 1e-3, 2);

    private static CapacityEvidence Flat => new([Setting(4, 16), Setting(8, 16), Setting(16, 16), Setting(32, 16)], 1e-3, 2);

    /// <summary>P-Tuning v2 runs: accuracy = base + perDecade log10 m + a seed offset (paired across m) + small noise.</summary>
    private static PrefixAccuracy[] Real(double perDecade, int seeds = 5, int[]? ms = null, string task = "polarity") =>
        [.. (ms ?? [1, 10, 100, 1000]).SelectMany(m => Enumerable.Range(1, seeds).Select(s =>
            new PrefixAccuracy(task, m, s, 0.7 + (perDecade * Math.Log10(m)) + (0.02 * (s - 3)) + (0.002 * (((s * 7) + m) % 3 - 1)))))];

    [Fact]
    public void SupportedWhenBothHalvesSupport()
    {
        var r = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, Real(0.03)));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("halves: stylized supports, real supports", StringComparison.Ordinal));
        Assert.Contains("pts/decade", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void NotSupportedWhenEitherHalfContradicts()
    {
        var stylized = C18PrefixLengthScaling.Decide(new C18Evidence(Flat, Real(0.03)));
        Assert.Equal(Verdict.NotSupported, stylized.Verdict);
        Assert.Contains(stylized.AgainstList, a => a.Contains("m_fit does not grow", StringComparison.Ordinal));

        var real = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, Real(-0.03)));
        Assert.Equal(Verdict.NotSupported, real.Verdict);
        Assert.Contains(real.AgainstList, a => a.Contains("accuracy falls with m", StringComparison.Ordinal));

        // Falling accuracy over two m with enough seeds already contradicts.
        Assert.Equal(Verdict.NotSupported, C18PrefixLengthScaling.Decide(new C18Evidence(null, Real(-0.03, ms: [10, 100]))).Verdict);
    }

    [Fact]
    public void InconclusiveWhenAHalfCannotDecide()
    {
        var noReal = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, []));
        Assert.Equal(Verdict.Inconclusive, noReal.Verdict);
        Assert.Contains("not run: needs P-Tuning v2 runs at m in {1,10,100,1000} with >= 5 seeds", noReal.Decider, StringComparison.Ordinal);

        var fewSeeds = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, Real(-0.03, seeds: 1, ms: [10, 100])));
        Assert.Equal(Verdict.Inconclusive, fewSeeds.Verdict);
        Assert.Contains("m = 1, 1000 not run", fewSeeds.Decider, StringComparison.Ordinal);

        var missingM = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, Real(0.03, ms: [10, 100, 1000])));
        Assert.Equal(Verdict.Inconclusive, missingM.Verdict);

        var flatReal = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, Real(0.0)));
        Assert.Equal(Verdict.Inconclusive, flatReal.Verdict);
        Assert.Contains("more seeds", flatReal.Decider, StringComparison.Ordinal);

        var noStylized = C18PrefixLengthScaling.Decide(new C18Evidence(null, Real(0.03)));
        Assert.Equal(Verdict.Inconclusive, noStylized.Verdict);
        Assert.Contains("'capacity' sweep did not run", noStylized.Decider, StringComparison.Ordinal);

        var stylizedUndecided = C18PrefixLengthScaling.Decide(new C18Evidence(new([Setting(4, 8), Setting(8, 16)], 1e-3, 2), Real(0.03)));
        Assert.Equal(Verdict.Inconclusive, stylizedUndecided.Verdict);
    }

    [Fact]
    public void RealSlopeIsPairedOverSeeds()
    {
        // Large seed offsets that are shared across m do not widen a paired CI.
        var runs = Real(0.01, seeds: 6).Select(r => r with { TestAccuracy = r.TestAccuracy + (0.2 * (r.Seed % 2)) }).ToList();
        var task = Assert.Single(C18PrefixLengthScaling.RealTasks(runs));
        Assert.Equal(6, task.CommonSeeds);
        Assert.True(task.SlopePerDecade!.Value.Low > 0, $"paired slope CI {task.SlopePerDecade}");
        Assert.False(task.Crossed);
    }

    /// <summary>
    /// Runs with stored correctness on one shared test set: the slope CI is the crossed design's; its estimate is the
    /// least-squares slope of the mean accuracies; an example x m interaction (which examples m gets right varies with m) is
    /// test-set noise that the seed bootstrap cannot see, so the crossed CI is the wider.
    /// </summary>
    [Fact]
    public void RealSlopeUsesTheCrossedDesignWhereCorrectnessIsStored()
    {
        const int n = 400;
        int[] ms = [1, 10, 100, 1000];
        var runs = ms.SelectMany(m => Enumerable.Range(1, 5).Select(seed =>
        {
            // Per example: a pseudo-random score shared by every seed at this m (interaction) plus a small seed shift.
            var correct = Enumerable.Range(0, n).Select(i => ((((i * 7919) + (m * 104729)) % 1000) / 1000.0) < 0.70 + (0.01 * Math.Log10(m)) + (0.004 * (seed - 3))).ToArray();
            return new PrefixAccuracy("polarity", m, seed, correct.Count(c => c) / (double)n, Correctness.Encode(correct));
        })).ToList();
        var task = Assert.Single(C18PrefixLengthScaling.RealTasks(runs));
        Assert.True(task.Crossed);
        var logM = ms.Select(m => Math.Log10(m)).ToArray();
        var means = ms.Select(m => runs.Where(r => r.PrefixLength == m).Average(r => r.TestAccuracy)).ToArray();
        double mx = logM.Average(), my = means.Average();
        double ols = logM.Zip(means, (x, y) => (x - mx) * (y - my)).Sum() / logM.Sum(x => (x - mx) * (x - mx));
        Assert.Equal(ols, task.SlopePerDecade!.Value.Estimate, 12);

        var withoutCorrectness = C18PrefixLengthScaling.RealTasks([.. runs.Select(r => r with { TestCorrect = string.Empty })]).Single();
        Assert.False(withoutCorrectness.Crossed);
        double Width(NtkProofs.Statistics.ConfidenceInterval ci) => ci.High - ci.Low;
        Assert.True(Width(task.SlopePerDecade!.Value) > Width(withoutCorrectness.SlopePerDecade!.Value), $"crossed {task.SlopePerDecade}, seed bootstrap {withoutCorrectness.SlopePerDecade}");
    }

    /// <summary>An m whose learning rate is at an unchecked grid edge or under-tuned keeps the real half undecided, whatever the slope.</summary>
    [Fact]
    public void AnUntunedPrefixLengthLeavesTheRealHalfUndecided()
    {
        var edge = new RateTuning(RateTuningStatus.EdgeUnchecked, 0.1, 0.8, null, double.NaN);
        var rising = Real(0.03).Select(r => r.PrefixLength == 1 ? r with { Tuning = edge } : r).ToList();
        var r = C18PrefixLengthScaling.Decide(new C18Evidence(Growing, rising));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("polarity m = 1: the search one step beyond the grid edge", r.Decider, StringComparison.Ordinal);
        Assert.Contains("the slope CI over the m run so far excludes 0", r.Decider, StringComparison.Ordinal);
        Assert.Contains(r.Numbers, x => x.Contains("real polarity: learning rate m = 1", StringComparison.Ordinal));

        var under = new RateTuning(RateTuningStatus.UnderTuned, 0.1, 0.8, 1.0, 0.85);
        var falling = Real(-0.03).Select(x => x.PrefixLength == 1000 ? x with { Tuning = under } : x).ToList();
        Assert.Equal(Verdict.Inconclusive, C18PrefixLengthScaling.Decide(new C18Evidence(null, falling)).Verdict);

        var confirmed = new RateTuning(RateTuningStatus.EdgeConfirmed, 0.1, 0.8, 1.0, 0.7);
        Assert.Equal(Verdict.Supported, C18PrefixLengthScaling.Decide(new C18Evidence(Growing, [.. Real(0.03).Select(x => x with { Tuning = confirmed })])).Verdict);
    }
}

/// <summary>C18's one reading of fine-tuning results (<see cref="C18PrefixLengthScaling.RealRuns"/>) on records shaped like the fine-tuning sweep's.</summary>
public sealed class C18RealRunsTests
{
    [Fact]
    public void ReadsPrefixRunsOnlyWithTheirPrefixLengthAndSeed()
    {
        var exp = new NtkProofs.Experiments.FineTuning.FinetuneExperiment();
        NtkProofs.Experiments.Reports.SweepRecord Record(string method, long prefixLength, long seed, double accuracy)
        {
            var resolved = exp.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
            foreach (var (name, value) in new (string, System.Text.Json.Nodes.JsonNode)[] { ("method", method), ("prefix_length", prefixLength), ("seed", seed) })
            {
                resolved[name] = exp.Parameters.Single(p => p.Name == name).Validate(value, name);
            }

            var key = new System.Text.Json.Nodes.JsonObject { ["method"] = method, ["prefix_length"] = prefixLength };
            var run = new NtkProofs.Experiments.FineTuning.FinetuneRun("polarity", method, $"m = {prefixLength}", key.ToJsonString(), seed, 0, string.Empty,
                accuracy, accuracy, 10, 100, 10, 0.1, 1.0, 1.0, 1.0, 0.5, 10, "10 steps", 1e-3, 16);
            var result = NtkProofs.Experiments.Reports.Claims.ResultJson.Write(run);
            return new NtkProofs.Experiments.Reports.SweepRecord(new NtkProofs.Experiments.Sweeps.SweepPoint(exp.Name, resolved), result);
        }

        var sweep = new NtkProofs.Experiments.Reports.SweepResults(
            NtkProofs.Experiments.Reports.Claims.FineTuning.FineTuningCriteria.BaselineConfig, "experiments/configs/test/finetune.json", exp.Name,
            [Record("prefix", 10, 1, 0.75), Record("prefix", 100, 2, 0.8), Record("head", 10, 1, 0.6)]);
        var inputs = new NtkProofs.Experiments.Reports.Claims.ClaimInputs(new NtkProofs.Experiments.Reports.ReportContext(
            "test", Path.GetTempPath(), new Dictionary<string, NtkProofs.Experiments.Reports.SweepResults> { [sweep.ConfigName] = sweep }, "./ntkproofs report"));
        var runs = C18PrefixLengthScaling.RealRuns(inputs);
        Assert.Equal(2, runs.Count);
        Assert.Contains(runs, r => r.PrefixLength == 10 && r.Seed == 1 && r.TestAccuracy == 0.75);
        Assert.Contains(runs, r => r.PrefixLength == 100 && r.Seed == 2);
        var claim = new C18PrefixLengthScaling().Evaluate(inputs);
        Assert.Equal(NtkProofs.Experiments.Reports.Ledger.Verdict.Inconclusive, claim.Verdict);
        Assert.Contains("stylized: the 'capacity' sweep did not run", claim.Decider, StringComparison.Ordinal);
        Assert.NotEmpty(claim.FigureList);
    }
}
