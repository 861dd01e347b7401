using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class PairedDeciderTests
{
    private static PairedComparison Comparison(int seeds, double estimate, double low, double high, double seedSd, double testSe) =>
        new(new ConfidenceInterval(estimate, low, high, 0.95), seeds, 1000, [.. Enumerable.Repeat(1.0, seeds)], 80, 80 - estimate)
        {
            SeedStandardDeviation = seedSd,
            TestStandardError = testSe,
        };

    [Fact]
    public void Too_few_seeds_asks_for_the_target_seeds()
    {
        string text = PairedDecider.Text("x", Comparison(1, -0.5, -3, 2, 1.2, 1.2), 1.0);
        Assert.StartsWith("x: needs >= 5 seeds: projected 95% CI half-width", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Enough_seeds_and_room_to_the_margin_names_the_seeds_that_would_decide()
    {
        // -2.9 is 1.9 from -1; SD 2.2, SE 0.8: t sqrt(4.84 / k + 0.64) < 1.9 needs k >= 17 (t about 1.975 at Satterthwaite df 156).
        var p = Comparison(5, -2.9, -5.4, -0.5, 2.2, 0.8);
        Assert.Equal(17, p.SeedsToDecide(1.0));
        string text = PairedDecider.Text("polarity", p, 1.0);
        Assert.StartsWith("polarity: about 17 seeds would decide if the difference stayed at -2.9", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_estimate_on_the_margin_says_seeds_cannot_decide()
    {
        string text = PairedDecider.Text("spam", Comparison(5, -1.0, -1.9, -0.2, 0.5, 0.35), 1.0);
        Assert.Contains("more seeds cannot decide", text, StringComparison.Ordinal);
        Assert.Contains("+-0.7 of 1000 shared test examples", text, StringComparison.Ordinal);
    }
}
