using System.Text.Json.Nodes;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Reports.Sections;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Tests.Experiments.FineTuning;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>The fine-tuning section from synthetic sweep results: tables, figure, and the C9-C11 rules on every path.</summary>
public sealed class FineTuningSectionTests : IDisposable
{
    private const long Lora8 = 74_498, Prefix10 = 46_850, Full = 22_566_146, Head = 770, NtkFull = 76_802, NtkRank8 = 23_810, NtkRank4 = 12_290;

    private readonly string root = Directory.CreateTempSubdirectory("ft-section").FullName;

    public void Dispose() => Directory.Delete(root, true);

    /// <summary>One synthetic run; accuracies in percent.</summary>
    private static SweepRecord Run(string task, string method, long seed, double test, long trainable, (string, JsonNode)[]? settings = null, long? counted = null, double? validation = null)
    {
        var values = new List<(string, JsonNode)> { ("task", task), ("method", method), ("seed", seed) };
        values.AddRange(settings ?? []);
        var result = new JsonObject
        {
            ["test_accuracy"] = test / 100,
            ["validation_accuracy"] = (validation ?? test) / 100,
            ["test_examples"] = 400,
            ["trainable_params"] = trainable,
            ["total_params"] = 22_565_376 + Math.Min(trainable, 100_000),
            ["counted_trainable_params"] = counted ?? trainable,
            ["seconds_per_step_median"] = 0.25,
            ["peak_rss_mib"] = 1100.0,
            ["rss_before_training_mib"] = 900.0,
            ["tensor_memory_mib"] = trainable * 16.0 / (1 << 20),
            ["final_train_loss"] = 0.4,
            ["steps"] = 120,
            ["learning_rate"] = 1e-3,
        };
        return new SweepRecord(FinetuneExperimentTests.Point([.. values]), result);
    }

    /// <summary>Seeds 1..n around <paramref name="mean"/> (spread ±0.5 points).</summary>
    private static IEnumerable<SweepRecord> Seeds(int n, string task, string method, double mean, long trainable, params (string, JsonNode)[] settings) =>
        Enumerable.Range(1, n).Select(s => Run(task, method, s, mean + (n == 1 ? 0 : (s - ((n + 1) / 2.0)) * 0.5), trainable, settings));

    private static IEnumerable<SweepRecord> Baselines(string task, int seeds = 3, double lora = 80) =>
        Seeds(seeds, task, "head", 72, Head)
            .Concat(Seeds(seeds, task, "full", 83, Full))
            .Concat(Seeds(seeds, task, "lora", lora, Lora8, ("rank", 8)))
            .Concat(Seeds(seeds, task, "prefix", 76, Prefix10, ("prefix_length", 10)));

    private static IEnumerable<SweepRecord> Ntk(string task, int seeds, double full, double s8, double s4 = 77) =>
        Seeds(seeds, task, "ntk", full, NtkFull, ("feature", "elu1"), ("ntk_rank", 0))
            .Concat(Seeds(seeds, task, "ntk", s8, NtkRank8, ("feature", "elu1"), ("ntk_rank", 8)))
            .Concat(Seeds(seeds, task, "ntk", s4, NtkRank4, ("feature", "elu1"), ("ntk_rank", 4)));

    private (SectionOutput Output, Dictionary<string, LedgerRow> Rows) Build(IEnumerable<SweepRecord>? baselines, IEnumerable<SweepRecord>? ntk = null)
    {
        var sweeps = new Dictionary<string, SweepResults>();
        if (baselines is not null)
        {
            sweeps[FineTuningSection.BaselineSweep] = new(FineTuningSection.BaselineSweep, "experiments/configs/quick/finetune.json", FinetuneExperiment.ExperimentName, [.. baselines]);
        }

        if (ntk is not null)
        {
            sweeps[FineTuningSection.NtkSweep] = new(FineTuningSection.NtkSweep, "experiments/configs/quick/finetune-ntk.json", FinetuneExperiment.ExperimentName, [.. ntk]);
        }

        var output = new FineTuningSection().Build(new ReportContext("quick", root, sweeps, "./ntkproofs report --profile quick"));
        Assert.Equal(["C9", "C10", "C11"], output.Ledger.Select(r => r.Id));
        return (output, output.Ledger.ToDictionary(r => r.Id));
    }

    [Fact]
    public void Without_sweeps_C9_and_C10_are_not_run_and_C11_rests_on_the_paper_table()
    {
        var (output, rows) = Build(null);
        Assert.Equal(Verdict.Inconclusive, rows["C9"].Verdict);
        Assert.Equal("experiment not run", rows["C9"].KeyNumber);
        Assert.Contains("finetune-ntk", rows["C10"].Rule, StringComparison.Ordinal);
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C11"].Verdict);
        Assert.Contains("9 of 9 counts reproduced exactly; no fine-tuning runs", rows["C11"].KeyNumber, StringComparison.Ordinal);
        Assert.Contains("| ChatGLM3-6B | NTK-Attention, full Z | 14,794,752 | 14,794,752 | yes |", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("did not run in this profile", output.Markdown, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "figures")) && Directory.EnumerateFiles(Path.Combine(root, "figures")).Any());
    }

    [Fact]
    public void Baselines_give_a_table_and_a_figure_per_task_and_C11_but_no_NTK_verdicts()
    {
        var (output, rows) = Build(Baselines("polarity").Concat(Baselines("uncertainty", seeds: 1)));
        Assert.Contains("| LoRA | r = 8, alpha = 16 | 0.001 | 74,498 / 22,639,874 / 0.3291 | 74,498 (equal) | 80.0 ± 0.5 (n = 3) | 80.0 ± 0.5 (n = 3) | 0.250 | 1100 (+200) | 1.1 | 0.400 |", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("NTK-Attention has no results in this run", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("| full FT | - |", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("| head only | - |", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("| P-Tuning v2 | m = 10 |", output.Markdown, StringComparison.Ordinal);
        Assert.Contains("80.0 (n = 1)", output.Markdown, StringComparison.Ordinal);
        foreach (string task in new[] { "polarity", "uncertainty" })
        {
            Assert.Contains($"### Task: {task}", output.Markdown, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, "figures", $"fig_finetune_{task}.png")));
            Assert.True(File.Exists(Path.Combine(root, "figures", $"fig_finetune_{task}.svg")));
            var csv = File.ReadAllLines(Path.Combine(root, "data", $"fig_finetune_{task}.csv"));
            Assert.Equal(1 + 4, csv.Length); // header + one point per configuration
            Assert.Contains(csv, l => l.StartsWith("LoRA,74498,80", StringComparison.Ordinal));
        }

        Assert.Equal(Verdict.Inconclusive, rows["C9"].Verdict);
        Assert.Contains("NTK-Attention has no fine-tuning results", rows["C9"].Rule, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, rows["C10"].Verdict);
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C11"].Verdict);   // the paper's own numbers are not available
        Assert.Contains("formula = built model in 16 of 16 runs", rows["C11"].KeyNumber, StringComparison.Ordinal);
        Assert.Equal("./ntkproofs sweep finetune --config experiments/configs/quick/finetune.json", rows["C11"].Command);
    }

    [Fact]
    public void A_run_whose_formula_differs_from_the_built_model_fails_C11()
    {
        var runs = Baselines("polarity", seeds: 1).Append(Run("polarity", "lora", 9, 80, Lora8, [("rank", 4)], counted: Lora8 - 1));
        var (output, rows) = Build(runs);
        Assert.Equal(Verdict.NotSupported, rows["C11"].Verdict);
        Assert.Contains("LoRA r = 4, alpha = 16: 74,497 counted vs 74,498 built", rows["C11"].KeyNumber, StringComparison.Ordinal);
        Assert.Contains("74,497 (differs)", output.Markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80.0, 79.5, Verdict.Supported)]
    [InlineData(80.0, 84.0, Verdict.Supported)]
    [InlineData(80.0, 70.0, Verdict.NotSupported)]
    public void C9_compares_rank_8_with_the_full_Z_within_the_margin(double full, double s8, Verdict expected)
    {
        var (_, rows) = Build(Baselines("polarity"), Ntk("polarity", 3, full, s8));
        Assert.Equal(expected, rows["C9"].Verdict);
        Assert.Contains(FormattableString.Invariant($"full Z {full:F1} ± 0.5 (n = 3) (76,802 params), s = 8 {s8:F1} ± 0.5 (n = 3) (23,810), s = 4 77.0 ± 0.5 (n = 3) (12,290)"), rows["C9"].KeyNumber, StringComparison.Ordinal);
        Assert.Contains("2 SE of the difference", rows["C9"].Rule, StringComparison.Ordinal);
        Assert.Equal(["fig_finetune_polarity"], rows["C9"].Figures);
    }

    [Fact]
    public void C9_with_one_seed_agrees_only_with_caveat_and_needs_both_ranks()
    {
        var (_, rows) = Build(Baselines("polarity", seeds: 1), Ntk("polarity", 1, 80, 79.5));
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C9"].Verdict);
        Assert.StartsWith("fewer than 2 seeds", rows["C9"].KeyNumber, StringComparison.Ordinal);

        var (_, onlyFull) = Build(Baselines("polarity"), Seeds(3, "polarity", "ntk", 80, NtkFull, ("feature", "elu1"), ("ntk_rank", 0)));
        Assert.Equal(Verdict.Inconclusive, onlyFull["C9"].Verdict);
        Assert.Contains("no task and feature map has both", onlyFull["C9"].KeyNumber, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80.0, 80.5, Verdict.Supported, "competitive")]
    [InlineData(70.0, 80.5, Verdict.NotSupported, "below")]
    public void C10_compares_the_best_NTK_configuration_with_the_best_baseline_of_at_most_twice_its_parameters(double ntk, double lora, Verdict expected, string word)
    {
        var (_, rows) = Build(Baselines("polarity", lora: lora), Ntk("polarity", 3, ntk, ntk - 1, ntk - 2));
        Assert.Equal(expected, rows["C10"].Verdict);

        // The full-Z configuration (best on validation) against LoRA r = 8 (74,498 <= 2 x 76,802); full FT (22.6 M) is too big.
        Assert.Contains(FormattableString.Invariant($"polarity: NTK-Attention elu1, full Z {ntk:F1} ± 0.5 (n = 3) with 76,802 params vs LoRA r = 8, alpha = 16 {lora:F1} ± 0.5 (n = 3) with 74,498: {word}"), rows["C10"].KeyNumber, StringComparison.Ordinal);
        Assert.Contains("best baseline of any size: full FT 83.0", rows["C10"].KeyNumber, StringComparison.Ordinal);
        Assert.Equal("./ntkproofs report --profile quick --only finetune finetune-ntk", rows["C10"].Command);
    }

    [Fact]
    public void C10_is_supported_with_caveat_when_competitive_on_one_task_only_or_with_one_seed()
    {
        var mixed = Baselines("polarity").Concat(Baselines("uncertainty"));
        var ntk = Ntk("polarity", 3, 80, 79).Concat(Ntk("uncertainty", 3, 65, 64, 63));
        var (_, rows) = Build(mixed, ntk);
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C10"].Verdict);
        Assert.Contains("uncertainty: NTK-Attention elu1, full Z 65.0", rows["C10"].KeyNumber, StringComparison.Ordinal);

        var (_, oneSeed) = Build(Baselines("polarity", seeds: 1), Ntk("polarity", 1, 80, 79));
        Assert.Equal(Verdict.SupportedWithCaveat, oneSeed["C10"].Verdict);
        Assert.StartsWith("fewer than 2 seeds", oneSeed["C10"].KeyNumber, StringComparison.Ordinal);
    }

    [Fact]
    public void C10_without_a_baseline_of_comparable_size_is_inconclusive()
    {
        var (_, rows) = Build(Seeds(3, "polarity", "full", 83, Full), Ntk("polarity", 3, 80, 79));
        Assert.Equal(Verdict.Inconclusive, rows["C10"].Verdict);
        Assert.Contains("no baseline within 2x", rows["C10"].KeyNumber, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_sweep_on_the_tiny_encoder_feeds_the_section()
    {
        string config = Path.Combine(root, "finetune.json");
        File.WriteAllText(config, """
            {"experiment": "finetune", "defaults": {"steps": 2, "batch": 8, "max_length": 12, "max_eval": 16},
             "sweep": {"method": ["head", {"method": "lora", "rank": 2}], "seed": [1, 2]}}
            """);
        var plan = SweepConfig.Load(config, FinetuneExperimentTests.Tiny()).Plan();
        var summary = SweepRunner.Run(plan, new SweepRunOptions());
        var sweep = new SweepResults(FineTuningSection.BaselineSweep, "finetune.json", FinetuneExperiment.ExperimentName, [.. summary.Results.Select(r => new SweepRecord(r.Point, r.Result))]);
        var groups = FinetuneGroup.Of(FinetuneRun.From(sweep));
        Assert.Equal(["head only", "LoRA r = 2, alpha = 16"], groups.Select(g => g.Label));
        Assert.All(groups, g => Assert.Equal(2, g.Seeds));

        var (output, rows) = Build(sweep.Records);
        Assert.Contains("| LoRA | r = 2, alpha = 16 |", output.Markdown, StringComparison.Ordinal);
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C11"].Verdict);   // at most with caveat: the paper's own numbers are not available
    }
}
