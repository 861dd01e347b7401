using NtkProofs.Adapters;
using NtkProofs.FineTuning;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.FineTuning;

/// <summary>
/// The protocol's orchestration with a scripted trainer: the search never evaluates test and its choice reads validation
/// only (a leaked test number that would pick another rate changes nothing), the seeds run at the chosen rate; plus the
/// re-split for SE &lt;= 1.5 points and early stopping on the tiny encoder.
/// </summary>
public sealed class FineTuneProtocolTests
{
    private static readonly FineTuneProtocolSettings Settings = new([1e-4, 1e-3, 1e-2], 100, [1, 2, 3, 4, 5], StepCap: 50, EvalEvery: 10, Patience: 2);

    [Fact]
    public void The_rate_is_chosen_on_validation_only_and_the_seeds_run_at_it_with_test_once()
    {
        // Validation favours 1e-3; a test number (which the search must never produce) would favour 1e-2.
        var validation = new Dictionary<double, double> { [1e-4] = 0.70, [1e-3] = 0.82, [1e-2] = 0.78 };
        var testIfLeaked = new Dictionary<double, double> { [1e-4] = 0.60, [1e-3] = 0.65, [1e-2] = 0.95 };
        var calls = new List<FineTuneConfig>();
        var outcome = FineTuneProtocol.Run(new FineTuneConfig { Adapter = new LoraAdapterConfig() }, Settings, config =>
        {
            calls.Add(config);
            return Fake(config, validation[config.LearningRate], config.EvaluateTest ? testIfLeaked[config.LearningRate] : null);
        });

        Assert.Equal(1e-3, outcome.Chosen.LearningRate);
        Assert.Equal([1e-4, 1e-3, 1e-2], outcome.Search.Select(t => t.LearningRate));
        var search = calls.Take(3).ToList();
        Assert.All(search, c => Assert.False(c.EvaluateTest));
        Assert.All(search, c => Assert.Equal(100, c.Seed));
        var finals = calls.Skip(3).ToList();
        Assert.Equal([1, 2, 3, 4, 5], finals.Select(c => c.Seed));
        Assert.All(finals, c => Assert.True(c.EvaluateTest));
        Assert.All(finals, c => Assert.Equal(1e-3, c.LearningRate));
        Assert.All(calls, c => Assert.Equal((50, 10, 2), (c.Steps, c.EvalEvery, c.Patience)));
        Assert.Equal(5, outcome.Finals.Count);
    }

    [Fact]
    public void A_search_run_that_evaluated_test_stops_the_protocol()
    {
        var e = Assert.Throws<InvalidOperationException>(() => FineTuneProtocol.Run(new FineTuneConfig(), Settings, config => Fake(config, 0.8, 0.9)));
        Assert.Contains("evaluated the test split", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_need_a_log_grid_five_distinct_seeds_and_a_schedule()
    {
        Assert.Throws<ArgumentException>(() => (Settings with { LearningRates = [1e-3, 1e-2] }).Validated());
        Assert.Throws<ArgumentException>(() => (Settings with { Seeds = [1, 2, 3, 4] }).Validated());
        Assert.Throws<ArgumentException>(() => (Settings with { Seeds = [1, 1, 2, 3, 4] }).Validated());
        Assert.Throws<ArgumentException>(() => (Settings with { EvalEvery = 60 }).Validated());
        Assert.Contains("1112", FineTuneProtocol.Describe(Settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2000, 2000, 0.28, 1120)] // polarity: 4,000 sentences
    [InlineData(1500, 1500, 0.38, 1140)] // uncertainty: 3,000 sentences
    [InlineData(4150, 1896, 0.19, 1148)] // SpamAssassin: 6,046 e-mails
    public void The_test_split_is_re_drawn_large_enough_for_a_standard_error_of_at_most_one_and_a_half_points(int a, int b, double fraction, int n)
    {
        Assert.Equal(1112, FineTuneProtocol.MinimumTestExamples);
        Assert.True(Math.Sqrt(0.25 / FineTuneProtocol.MinimumTestExamples) <= 0.015);
        Assert.False(Math.Sqrt(0.25 / (FineTuneProtocol.MinimumTestExamples - 1)) <= 0.015);
        Assert.Equal(fraction, FineTuneProtocol.TestFractionFor([a, b], 0.1));
        var examples = Enumerable.Range(0, a + b).Select(i => new NtkProofs.Data.LabeledSentence("s" + i, i < a ? 0 : 1)).ToList();
        var splits = NtkProofs.Data.StratifiedSplitter.Split(examples, 1, 0.1, fraction);
        Assert.Equal(n, splits.Test.Count);
        Assert.True(n >= 1112);
        Assert.Throws<ArgumentException>(() => FineTuneProtocol.TestFractionFor([500, 500], 0.1));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_validation_checkpoint_and_a_search_run_never_sees_test()
    {
        var config = new FineTuneConfig
        {
            Adapter = new LoraAdapterConfig(Rank: 2),
            Steps = 12,
            BatchSize = 8,
            MaxLength = 12,
            LearningRate = 5e-2,
            EvalEvery = 2,
            Patience = 2,
            EvaluateTest = false,
            Seed = 3,
        };
        string dir = Path.Combine(Path.GetTempPath(), "ntkproofs-early-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var r = FineTuneRunner.Run(config, dir, examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source);
            Assert.Equal(0, r.Test.Count);
            Assert.True(double.IsNaN(r.Test.Accuracy));
            Assert.NotEmpty(r.ValidationCurve);
            var best = r.ValidationCurve.First(p => p.Accuracy == r.ValidationCurve.Max(q => q.Accuracy));
            Assert.Equal(best.Step, r.SelectedStep);
            Assert.Equal(best.Accuracy, r.Validation.Accuracy);
            Assert.True(r.Steps.Count <= 12);
            int evaluationsAfterBest = r.ValidationCurve.Count(p => p.Step > best.Step);
            Assert.True(r.Steps.Count == 12 || evaluationsAfterBest == 2, $"stopped at {r.Steps.Count} with {evaluationsAfterBest} evaluations after the best");

            // The test split, evaluated once when allowed, at the restored checkpoint: the same validation accuracy as at the best step.
            var withTest = FineTuneRunner.Run(config with { EvaluateTest = true }, dir + "-t", examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source);
            Assert.True(withTest.Test.Count > 0);
            Assert.Equal(r.SelectedStep, withTest.SelectedStep);
            Assert.Equal(r.Validation.Accuracy, withTest.Validation.Accuracy);
        }
        finally
        {
            foreach (var d in new[] { dir, dir + "-t" })
            {
                if (Directory.Exists(d))
                {
                    Directory.Delete(d, recursive: true);
                }
            }
        }
    }

    private static FineTuneResult Fake(FineTuneConfig config, double validation, double? test) => new(
        config,
        "{}",
        1,
        1,
        "fake",
        100,
        [new StepRecord(1, 0.5, 0.01, 0, 0)],
        new EvaluationResult(validation, 0.5, 100),
        test is { } t ? new EvaluationResult(t, 0.5, 100) : EvaluationResult.NotEvaluated,
        0,
        0,
        false,
        0,
        0,
        TensorMemoryEstimate.ForAdamW(1, 1),
        0.1)
    {
        SelectedStep = 10,
    };
}
