using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

/// <summary>C19's rule reaches every verdict; its evidence pools the spectra stored in the runs.</summary>
public class C19LowRankJustifiedTests
{
    private const int N = 1000;

    /// <summary>Seeds of (low-rank, full) correctness with accuracies pa and pb, nested so the difference is exact.</summary>
    private static PairedComparison Pair(int seeds, double pa, double pb)
    {
        var a = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pa * N).ToArray()).ToArray();
        var b = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pb * N).ToArray()).ToArray();
        return PairedComparison.Compare(a, b);
    }

    private static C19Spectra Trained(double energyAt8) =>
        new(ZSpectrum.TrainedZ, "polarity", "elu1, full Z", "elu1", 3, 216, 32, 6.5, [0.3, 0.5, 0.7, energyAt8, 0.99]);

    private static C19Evidence Evidence(C19Spectra? spectrum, params PairedComparison?[] p) =>
        new(spectrum is null ? [] : [spectrum], [.. p.Select((c, i) => new C9Comparison("polarity", "elu1", 1 << i, c))]);

    [Fact]
    public void A_competitive_low_rank_and_a_concentrated_trained_Z_are_supported()
    {
        var r = C19LowRankJustified.Decide(Evidence(Trained(0.95), Pair(3, 0.80, 0.80), Pair(3, 0.70, 0.80)));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("median effective rank 6.50", StringComparison.Ordinal));
    }

    [Fact]
    public void A_competitive_low_rank_without_a_concentrated_trained_Z_is_supported_with_caveat_and_says_so()
    {
        var r = C19LowRankJustified.Decide(Evidence(Trained(0.5), Pair(3, 0.80, 0.80)));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("top-8 energy 0.500", StringComparison.Ordinal));
    }

    [Fact]
    public void Low_rank_inferior_at_every_small_s_is_not_supported()
    {
        var r = C19LowRankJustified.Decide(Evidence(Trained(0.95), Pair(3, 0.70, 0.80), Pair(3, 0.72, 0.80)));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Equal(2, r.AgainstList.Count);
    }

    [Fact]
    public void One_seed_or_no_trained_spectrum_is_inconclusive_naming_the_decisive_command()
    {
        var oneSeed = C19LowRankJustified.Decide(Evidence(Trained(0.95), Pair(1, 0.80, 0.80)));
        Assert.Equal(Verdict.Inconclusive, oneSeed.Verdict);
        Assert.Contains("needs >= 5 seeds", oneSeed.Decider, StringComparison.Ordinal);
        Assert.Contains("decisive/finetune-protocol.json", oneSeed.Decider, StringComparison.Ordinal);

        var noSpectrum = C19LowRankJustified.Decide(Evidence(null, Pair(3, 0.80, 0.80)));
        Assert.Equal(Verdict.Inconclusive, noSpectrum.Verdict);
        Assert.Contains("no spectrum of a trained full Z", noSpectrum.Decider, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, C19LowRankJustified.Decide(new C19Evidence([], [])).Verdict);
    }

    [Fact]
    public void Gather_pools_the_stored_spectra_per_source_and_compares_s_with_full_Z()
    {
        static FinetuneRun Run(long rank, long seed, string correct, string spectra) =>
            new("polarity", "ntk", rank == 0 ? "elu1, full Z" : $"elu1, s = {rank}", $"{{\"method\":\"ntk\",\"ntk_rank\":{rank}}}", seed, rank, "elu1",
                0.8, 0.8, 100, 1000, 100, 0.1, 500, 400, 10, 0.4, 10, "10 steps", 1e-3, correct.Length)
            { TestCorrect = correct, ZSpectra = spectra };

        string correct = new string('1', 80) + new string('0', 20);
        string flat = ZSpectrum.Encode([new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 0, [1, 1, 1, 1]), new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 1, [1, 1, 1, 1])]);
        var e = C19LowRankJustified.Gather([Run(0, 1, correct, flat), Run(0, 2, correct, flat), Run(4, 1, correct, string.Empty), Run(4, 2, correct, string.Empty)]);
        var s = Assert.Single(e.Spectra);
        Assert.Equal((2, 4, 4), (s.Runs, s.Heads, s.Dimension));
        Assert.Equal(4.0, s.MedianEffectiveRank, 9);
        Assert.Equal(0.25, s.EnergyAt(1), 9);
        Assert.Equal(1.0, s.EnergyAt(8), 9);
        var c = Assert.Single(e.Accuracy);
        Assert.Equal(4, c.Rank);
        Assert.Equal(2, c.Comparison!.Seeds);
    }

    [Fact]
    public void Committed_fine_tuning_lines_without_spectra_still_parse_and_leave_C19_and_C20_inconclusive()
    {
        string folder = Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "reports", "data");
        var runs = new[] { "finetune.jsonl", "finetune-ntk.jsonl" }.Select(f => Path.Combine(folder, f)).Where(File.Exists)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0)
            .Select(l => ResultJson.Read<FinetuneRun>((JsonObject)JsonNode.Parse(l)!["result"]!)).ToList();
        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.Equal(string.Empty, r.Init));
        var c19 = C19LowRankJustified.Decide(C19LowRankJustified.Gather(runs));
        Assert.Equal(Verdict.Inconclusive, c19.Verdict);
        Assert.Contains("decisive/finetune-protocol.json", c19.Decider, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, C20Robustness.Decide(C20Robustness.Gather(runs)).Verdict);
    }
}
