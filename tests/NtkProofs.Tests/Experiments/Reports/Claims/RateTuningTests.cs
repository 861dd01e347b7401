using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.FineTuning;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class RateTuningTests
{
    private static FinetuneProtocolRecord Point(string task, double chosen, bool edge) =>
        new(task, "ntk", "elu1, full Z", [new(1e-4, 100, 0.60, 0.7, 100), new(1e-3, 100, 0.66, 0.6, 300), new(1e-2, 100, 0.72, 0.5, 400)], chosen, edge, [], 0.28, 1140, true, "P");

    private static FinetuneSearchExtensionRecord Beyond(string task, double rate, double validation) => new(task, "ntk", "elu1, full Z", [new(rate, 100, validation, 0.5, 300)]);

    [Fact]
    public void Every_state_is_reached_from_the_search_and_its_extension()
    {
        var map = RateTuning.Of(
            [Point("inside", 1e-3, false) with { Search = [new(1e-4, 100, 0.60, 0.7, 100), new(1e-3, 100, 0.72, 0.5, 300), new(1e-2, 100, 0.66, 0.6, 400)] }, Point("unchecked", 1e-2, true), Point("confirmed", 1e-2, true), Point("under", 1e-2, true), Point("wrongside", 1e-2, true)],
            [Beyond("confirmed", 0.1, 0.70), Beyond("under", 0.1, 0.75), Beyond("wrongside", 1e-5, 0.50)]);
        Assert.Equal(RateTuningStatus.Interior, map[RateTuning.Key("inside", "ntk", "elu1, full Z")].Status);
        Assert.Equal(RateTuningStatus.EdgeUnchecked, map[RateTuning.Key("unchecked", "ntk", "elu1, full Z")].Status);
        var confirmed = map[RateTuning.Key("confirmed", "ntk", "elu1, full Z")];
        Assert.Equal(RateTuningStatus.EdgeConfirmed, confirmed.Status);
        Assert.True(confirmed.Decidable);
        Assert.Contains("confirmed: 0.1 beyond it reached 70.0% validation against 72.0%", confirmed.Text, StringComparison.Ordinal);
        var under = map[RateTuning.Key("under", "ntk", "elu1, full Z")];
        Assert.Equal(RateTuningStatus.UnderTuned, under.Status);
        Assert.False(under.Decidable);
        Assert.Contains("seeds at 0.1", under.Decider("x"), StringComparison.Ordinal);

        // A rate below the grid (that lost) says nothing about an edge chosen at the top.
        Assert.Equal(RateTuningStatus.EdgeUnchecked, map[RateTuning.Key("wrongside", "ntk", "elu1, full Z")].Status);
        Assert.Contains("finetune-lr-extension", map[RateTuning.Key("unchecked", "ntk", "elu1, full Z")].Decider("x"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_gate_keeps_decided_outcomes_only_between_decidable_configurations()
    {
        var notes = new List<string>();
        var deciders = new List<string>();
        var unchecked_ = new RateTuning(RateTuningStatus.EdgeUnchecked, 0.01, 0.72, null, double.NaN);
        Assert.Equal(NonInferiorityOutcome.Inferior, RateTuning.Gate(NonInferiorityOutcome.Inferior, [("a", RateTuning.None), ("b", RateTuning.None)], notes, deciders));
        Assert.Empty(notes);
        Assert.Equal(NonInferiorityOutcome.Inconclusive, RateTuning.Gate(NonInferiorityOutcome.Inferior, [("a", unchecked_), ("b", RateTuning.None)], notes, deciders));
        Assert.Equal(["a: rate 0.01 at the grid edge, not checked beyond it"], notes);
        Assert.Single(deciders);
        var confirmed = new RateTuning(RateTuningStatus.EdgeConfirmed, 0.01, 0.72, 0.1, 0.70);
        Assert.Equal(NonInferiorityOutcome.Competitive, RateTuning.Gate(NonInferiorityOutcome.Competitive, [("a", confirmed)], notes, deciders));
    }

    [Fact]
    public void C10_leaves_an_inferior_comparison_undecided_while_the_ntk_rate_is_unchecked_at_the_grid_edge()
    {
        const int n = 1000;
        IReadOnlyList<bool>[] Make(double p) => [.. Enumerable.Range(0, 5).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, n).Select(i => (i + 37 * s) % n < p * n).ToArray())];
        var p = PairedComparison.Compare(Make(0.70), Make(0.75));
        var decided = C10NtkCompetitive.Decide(new C10Evidence([new("uncertainty", "NTK", "LoRA", p)], []));
        Assert.Equal(Verdict.NotSupported, decided.Verdict);
        var edge = new C10Comparison("uncertainty", "NTK", "LoRA", p) { NtkTuning = new RateTuning(RateTuningStatus.EdgeUnchecked, 0.01, 0.72, null, double.NaN) };
        var r = C10NtkCompetitive.Decide(new C10Evidence([edge], []));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains(r.Numbers, x => x.Contains("Inconclusive (by the CI alone: Inferior) [uncertainty NTK: rate 0.01 at the grid edge, not checked beyond it]", StringComparison.Ordinal));
        Assert.Contains("finetune-lr-extension", r.Decider, StringComparison.Ordinal);
        Assert.EndsWith(", rate not yet tuned", r.Headline, StringComparison.Ordinal);
        var confirmed = edge with { NtkTuning = new RateTuning(RateTuningStatus.EdgeConfirmed, 0.01, 0.72, 0.1, 0.70) };
        Assert.Equal(Verdict.NotSupported, C10NtkCompetitive.Decide(new C10Evidence([confirmed], [])).Verdict);
    }

    [Fact]
    public void C9_leaves_a_competitive_rank_undecided_when_full_z_is_under_tuned()
    {
        const int n = 1000;
        IReadOnlyList<bool>[] Make(double p) => [.. Enumerable.Range(0, 5).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, n).Select(i => (i + 37 * s) % n < p * n).ToArray())];
        var c = new C9Comparison("spam", "elu1", 4, PairedComparison.Compare(Make(0.90), Make(0.90)));
        Assert.Equal(Verdict.Supported, C9LowRankZ.Decide(new C9Evidence([c])).Verdict);
        var under = c with { FullTuning = new RateTuning(RateTuningStatus.UnderTuned, 0.01, 0.95, 0.1, 0.96) };
        var r = C9LowRankZ.Decide(new C9Evidence([under]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("seeds at 0.1", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void A_widened_grid_supersedes_the_decisive_point_when_its_choice_wins_on_the_union_of_searches()
    {
        var original = Point("uncertainty", 1e-2, true);
        var wide = new FinetuneProtocolRecord("uncertainty", "ntk", "elu1, full Z", [new(1e-2, 100, 0.72, 0.5, 400), new(1e-1, 100, 0.76, 0.45, 500), new(1, 100, 0.50, 0.69, 50)], 1e-1, false, [], 0.38, 1140, true, "P");
        var tuned = RateTuning.Tuned([original, wide, Point("spam", 1e-3, false)]);
        Assert.Equal(2, tuned.Count);
        Assert.Same(wide, tuned.Single(p => p.Task == "uncertainty"));
        var map = RateTuning.Of([original, wide], []);
        Assert.Equal(RateTuningStatus.Interior, map[RateTuning.Key("uncertainty", "ntk", "elu1, full Z")].Status);

        // The widened grid chose its top edge: unchecked until the extension tries beyond it; an extension that wins there
        // makes it under-tuned.
        var wideEdge = wide with { Search = [new(1e-2, 100, 0.72, 0.5, 400), new(1e-1, 100, 0.74, 0.45, 500), new(1, 100, 0.76, 0.4, 50)], ChosenLearningRate = 1, ChosenAtGridEdge = true };
        Assert.Equal(RateTuningStatus.EdgeUnchecked, RateTuning.Of([original, wideEdge], [])[RateTuning.Key("uncertainty", "ntk", "elu1, full Z")].Status);
        Assert.Equal(RateTuningStatus.UnderTuned, RateTuning.Of([original, wideEdge], [Beyond("uncertainty", 10, 0.8)])[RateTuning.Key("uncertainty", "ntk", "elu1, full Z")].Status);

        // The decisive point alone, with the extension beyond its edge winning: under-tuned, and the decider names the widened grid.
        var under = RateTuning.Of([original], [Beyond("uncertainty", 0.1, 0.7633)])[RateTuning.Key("uncertainty", "ntk", "elu1, full Z")];
        Assert.Equal(RateTuningStatus.UnderTuned, under.Status);
        Assert.Contains("finetune-protocol-wide", under.Decider("x"), StringComparison.Ordinal);
    }
}
