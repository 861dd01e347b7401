using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Claims.Width;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Width;

/// <summary>C13's degree search and its rule on synthetic beta distributions (every verdict).</summary>
public sealed class C13TheoremBInPracticeTests
{
    private static RealBetaResult P(int steps, params double[] betas) =>
        new(10, steps, steps == 0 ? double.NaN : 0.5, 8, 100, 32, [.. betas.Select((b, i) => new RealBetaHead(i / 4, i % 4, b))]);

    [Fact]
    public void Degree_is_the_smallest_even_g_whose_bound_factor_meets_eps()
    {
        foreach (double beta in new[] { 0.3, 0.65, 1.0, 2.5 })
        {
            foreach (double eps in new[] { 0.1, 0.01 })
            {
                int g = C13TheoremBInPractice.Degree(beta, eps) ?? throw new InvalidOperationException("a degree exists for these beta");
                Assert.Equal(0, g % 2);
                Assert.True(TheoremB.RelativeBound(beta, g) <= eps);
                Assert.True(g == 0 || TheoremB.RelativeBound(beta, g - 2) > eps);
            }
        }

        Assert.Null(C13TheoremBInPractice.Degree(1000, 0.01));
    }

    [Fact]
    public void Degree_uses_2eps_over_1_minus_eps_not_eps_alone()
    {
        // beta 0.65: eps_2 = 0.65^3 e^0.65 / 6 = 0.088 <= 0.1, but 2 eps_2 / (1 - eps_2) = 0.19 > 0.1; eps_4 = 0.0019.
        Assert.True(TheoremB.EpsG(0.65, 2) <= 0.1);
        Assert.Equal(4, C13TheoremBInPractice.Degree(0.65, 0.1));

        // So a median head at beta 0.65 needs g = 4: a caveat, where the eps_g <= eps rule would have said supported.
        var r = C13TheoremBInPractice.Decide(new C13Evidence([P(10, 0.6, 0.65, 0.7)]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains("g 4", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_trained_beta_is_supported()
    {
        // eps_2(0.3) = 0.027 e^0.3 / 6 = 0.006 <= 0.1.
        Assert.Equal(Verdict.Supported, C13TheoremBInPractice.Decide(new C13Evidence([P(0, 5, 5, 5), P(10, 0.2, 0.3, 0.4)])).Verdict);
    }

    [Fact]
    public void Median_needing_g4_is_a_caveat_and_said_against()
    {
        // beta 1: eps_2 = e / 6 = 0.45, eps_4 = e / 120 = 0.023.
        var r = C13TheoremBInPractice.Decide(new C13Evidence([P(10, 0.5, 1.0, 1.0, 1.2)]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.NotEmpty(r.AgainstList);
    }

    [Fact]
    public void Median_needing_g6_or_more_is_not_supported() =>
        Assert.Equal(Verdict.NotSupported, C13TheoremBInPractice.Decide(new C13Evidence([P(10, 3, 4, 5)])).Verdict);

    [Fact]
    public void Without_a_trained_prefix_it_is_inconclusive()
    {
        var r = C13TheoremBInPractice.Decide(new C13Evidence([P(0, 0.1, 0.1)]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("trained prefix", r.Decider, StringComparison.Ordinal);
    }
}
