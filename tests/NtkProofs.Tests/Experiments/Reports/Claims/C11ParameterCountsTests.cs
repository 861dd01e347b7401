using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class C11ParameterCountsTests
{
    private static readonly CountPair[] Table = [new("BERT-base LoRA r8", 294_912, 294_912), new("GPT-2 prefix m10", 184_320, 184_320)];

    [Fact]
    public void Matching_table_and_runs_are_supported()
    {
        var r = C11ParameterCounts.Decide(new C11Evidence(Table, [new("LoRA r = 8", 74_498, 74_498)]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Empty(r.AgainstList);
    }

    [Fact]
    public void A_counted_versus_built_mismatch_is_not_supported_and_named()
    {
        var r = C11ParameterCounts.Decide(new C11Evidence(Table, [new("LoRA r = 8", 74_498, 74_500)]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("74,500 built", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_mismatch_is_not_supported()
    {
        var r = C11ParameterCounts.Decide(new C11Evidence([new("BERT-base LoRA r8", 294_912, 294_913)], [new("head", 770, 770)]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
    }

    [Fact]
    public void No_built_model_is_inconclusive_with_what_would_decide()
    {
        var r = C11ParameterCounts.Decide(new C11Evidence(Table, []));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("fine-tuning run", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_paper_table_is_reproduced_by_the_counter()
    {
        Assert.All(NtkProofs.Adapters.Counting.PaperParameterTable.Rows, row => Assert.Equal(row.Stated, row.Computed));
    }
}
