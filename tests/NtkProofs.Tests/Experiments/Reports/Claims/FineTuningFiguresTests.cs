using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class FineTuningFiguresTests
{
    private static FinetuneRun Run(string method, long rank, long seed, long trainable, string correct) =>
        new("polarity", method, method == "ntk" ? (rank == 0 ? "elu1, full Z" : $"elu1, s = {rank}") : "r = 8, alpha = 16", $"{{\"method\":\"{method}\",\"ntk_rank\":{rank}}}", seed, rank, method == "ntk" ? "elu1" : string.Empty,
            correct.Count(c => c == '1') / (double)correct.Length, correct.Count(c => c == '1') / (double)correct.Length, trainable, 22_000_000, trainable, 0.1, 500, 400, 10, 0.4, 10, "10 steps", 1e-3, correct.Length)
        { TestCorrect = correct };

    [Fact]
    public void Gathered_runs_give_paired_claims_figures_and_a_table()
    {
        string full = new string('1', 160) + new string('0', 40);
        string low = new string('1', 150) + new string('0', 50);
        var runs = new[]
        {
            Run("ntk", 0, 1, 25_000, full), Run("ntk", 0, 2, 25_000, full),
            Run("ntk", 8, 1, 10_000, low), Run("ntk", 8, 2, 10_000, low),
            Run("lora", 0, 1, 15_000, full), Run("lora", 0, 2, 15_000, full),
        };
        var c9 = C9LowRankZ.Gather(runs);
        var only = Assert.Single(c9.Comparisons);
        Assert.Equal(8, only.Rank);
        Assert.Equal(-5.0, only.Comparison!.Difference.Estimate, 9);
        Assert.Equal(Verdict.NotSupported, C9LowRankZ.Decide(c9).Verdict);

        var c10 = C10NtkCompetitive.Gather(runs);
        var vsLora = Assert.Single(c10.Comparisons);
        Assert.Equal(0.0, vsLora.Comparison!.Difference.Estimate, 9);

        var figure = Assert.Single(FineTuningFigures.AccuracyAgainstParameters(runs));
        Assert.Equal("fig_finetune_polarity", figure.Spec.Name);
        Assert.Contains("80.0 [", FineTuningFigures.Table(runs), StringComparison.Ordinal);
        Assert.Equal(80.0, FineTuningFigures.AccuracyCi(FinetuneGroup.Of(runs).First(g => g.First.Method == "lora"))!.Value.Estimate, 9);
    }
}
