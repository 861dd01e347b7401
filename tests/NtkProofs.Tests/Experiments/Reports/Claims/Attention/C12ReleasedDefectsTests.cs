using NtkProofs.Measurements;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Attention;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>C12's rule on synthetic typed evidence: every verdict it can return.</summary>
public sealed class C12ReleasedDefectsTests
{
    private static readonly ReleasedDefectsResult AllReproduced = new(
        0, 0.3, true,
        0, 0, 0.02, true,
        88.7, 0.4, 1e-6, true,
        0.05, 0, true,
        0.04, 0.005, 0.6);

    [Fact]
    public void EveryDefectReproducingIsSupported()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced);
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("5/5", r.Headline, StringComparison.Ordinal);
        Assert.Contains("| yes |", r.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEvaluationThatIsDeterministicIsNotSupported()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced with { EvalDropoutDifference = 0 });
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("dropout", r.Headline, StringComparison.Ordinal);
        Assert.Single(r.AgainstList);
    }

    [Fact]
    public void TheRuleRereadsTheNumbersNotTheStoredFlags()
    {
        // The stored flag says reproduced, but the overflow starts far from ln(FLT_MAX): the criteria decide.
        var r = C12ReleasedDefects.Decide(AllReproduced with { OverflowRowMax = 40 });
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("overflow", StringComparison.Ordinal));
    }

    [Fact]
    public void AMovingKAtZeroIsNotSupported()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced with { FrozenKGradientAtZero = 0.1, FrozenKMovedFromZero = 0.01 });
        Assert.Equal(Verdict.NotSupported, r.Verdict);
    }

    [Fact]
    public void SelectionOptimismWithinNoiseIsNotSupported()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced with { ModelSelectionOptimism = 0.005, ModelSelectionOptimismSe = 0.005 });
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("model selection", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsStoredBeforeTheFifthDefectAreInconclusive()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced with { ModelSelectionOptimism = null, ModelSelectionOptimismSe = null, ModelSelectionDisagreement = null });
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("model selection", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingMeasurementIsInconclusiveAndNamesIt()
    {
        var r = C12ReleasedDefects.Decide(AllReproduced with { DoubleCountingReleasedError = null });
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("4/5 reproduced, 1 not measured", r.Headline, StringComparison.Ordinal);
        Assert.Contains("double counting", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void TheResultRecordKeepsTheStoredFieldNamesAndReadsOldRows()
    {
        var json = ResultJson.Write(AllReproduced);
        Assert.True(json.ContainsKey("overflow_exact_output"));
        Assert.True(json.ContainsKey("eval_dropout_reproduced"));
        json.Remove("overflow_row_max");
        var read = ResultJson.Read<ReleasedDefectsResult>(json);
        Assert.Null(read.OverflowRowMax);
        Assert.Equal(Verdict.Inconclusive, C12ReleasedDefects.Decide(read).Verdict);
    }
}
