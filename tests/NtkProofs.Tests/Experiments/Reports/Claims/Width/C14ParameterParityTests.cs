using NtkProofs.Experiments.Reports.Claims.Width;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Width;

/// <summary>C14's rule on synthetic counts (every verdict) and its counts on the public configs.</summary>
public sealed class C14ParameterParityTests
{
    /// <summary>A synthetic model whose full Z costs P-Tuning v2 at <paramref name="breakEven"/> tokens.</summary>
    private static C14Model Model(string name, double breakEven) =>
        new(name, 1, 1, 1, 1, 1, (long)(breakEven * 1000), 1000, []);

    [Fact]
    public void Every_full_Z_at_most_m100_is_supported()
    {
        var e = new C14Evidence([Model("a", 50), Model("b", 100)], ["a", "b"]);
        Assert.Equal(Verdict.Supported, C14ParameterParity.Decide(e).Verdict);
    }

    [Fact]
    public void A_full_Z_between_m100_and_m1000_is_a_caveat_and_said_against()
    {
        var r = C14ParameterParity.Decide(new C14Evidence([Model("a", 50), Model("b", 500)], ["a", "b"]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Single(r.AgainstList);
    }

    [Fact]
    public void A_full_Z_above_m1000_on_one_model_is_not_supported()
    {
        var r = C14ParameterParity.Decide(new C14Evidence([Model("a", 50), Model("b", 1001)], ["a", "b", "c"]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
    }

    [Fact]
    public void A_missing_model_is_inconclusive()
    {
        var r = C14ParameterParity.Decide(new C14Evidence([Model("a", 50)], ["a", "b"]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("b", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_on_the_public_configs_match_the_paper_table_and_break_even()
    {
        var e = C14ParameterParity.Gather();
        var glm = e.Models.Single(m => m.Model == "ChatGLM3-6B");
        Assert.Equal(14_794_752, glm.FullZ);
        Assert.Equal(1_433_600, glm.Prefix(100));
        Assert.Equal(14_794_752 / 14_336.0, glm.FullZBreakEven, 9);
        var llama1 = e.Models.Single(m => m.Model == "LLaMA-3.2-1B");
        Assert.Equal(16L * 32 * ((64 * 64) + 64), llama1.FullZ);
        Assert.Equal(16L * 2 * 8 * 64, llama1.PrefixPerToken);
        Assert.Equal(5, e.Models.Count);
        Assert.Equal(Verdict.NotSupported, C14ParameterParity.Decide(e).Verdict);
    }
}
