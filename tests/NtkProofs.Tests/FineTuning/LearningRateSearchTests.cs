using NtkProofs.FineTuning;

namespace NtkProofs.Tests.FineTuning;

/// <summary>The protocol's learning-rate grid and its choice on validation alone.</summary>
public sealed class LearningRateSearchTests
{
    [Fact]
    public void Grids_parse_as_lists_or_log_ranges()
    {
        Assert.Equal([1e-4, 1e-3, 1e-2], LearningRateSearch.ParseGrid("1e-4,1e-3,1e-2"));
        Assert.Equal([3e-4, 1e-3, 3e-3], LearningRateSearch.ParseGrid("3e-4, 1e-3, 3e-3")); // written with one digit: ratios 3.33 and 3
        var log = LearningRateSearch.ParseGrid("log:1e-4:1e-2:5");
        Assert.Equal(5, log.Count);
        Assert.Equal(1e-4, log[0], 15);
        Assert.Equal(1e-3, log[2], 15);
        Assert.Equal(1e-2, log[4], 15);
    }

    [Theory]
    [InlineData("1e-3,1e-2", "at least 3")]
    [InlineData("1e-3,1e-2,1e-2", "strictly increasing")]
    [InlineData("1e-2,1e-3,1e-4", "strictly increasing")]
    [InlineData("1e-4,1e-3,5e-3", "not log-spaced")]
    [InlineData("0,1e-3,1e-2", "finite number > 0")]
    [InlineData("1e-3,x,1e-2", "'x' is not a number")]
    [InlineData("log:1e-2:1e-4:3", "0 < LOW < HIGH")]
    [InlineData("log:1e-4:1e-2", "log:LOW:HIGH:N")]
    public void Bad_grids_are_refused(string grid, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => LearningRateSearch.ParseGrid(grid));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_choice_is_the_best_validation_accuracy_then_the_lower_validation_loss_then_the_smaller_rate()
    {
        LearningRateTrial T(double lr, double acc, double loss) => new(lr, 7, acc, loss, 100);
        Assert.Equal(1e-3, LearningRateSearch.Select([T(1e-4, 0.70, 0.5), T(1e-3, 0.80, 0.6), T(1e-2, 0.75, 0.4)]).LearningRate);
        Assert.Equal(1e-2, LearningRateSearch.Select([T(1e-4, 0.70, 0.5), T(1e-3, 0.80, 0.6), T(1e-2, 0.80, 0.4)]).LearningRate);
        Assert.Equal(1e-3, LearningRateSearch.Select([T(1e-4, 0.70, 0.5), T(1e-3, 0.80, 0.4), T(1e-2, 0.80, 0.4)]).LearningRate);
        Assert.Equal(1e-4, LearningRateSearch.Select([T(1e-2, 0.9, double.NaN), T(1e-4, 0.9, 0.3), T(1e-3, 0.5, 0.1)]).LearningRate);
    }

    [Fact]
    public void A_search_is_one_seed_one_run_per_rate_and_finite()
    {
        Assert.Throws<ArgumentException>(() => LearningRateSearch.Select([new(1e-3, 1, 0.8, 0.4, 1), new(1e-2, 2, 0.7, 0.4, 1)]));
        Assert.Throws<ArgumentException>(() => LearningRateSearch.Select([new(1e-3, 1, 0.8, 0.4, 1), new(1e-3, 1, 0.7, 0.4, 1)]));
        Assert.Throws<ArgumentException>(() => LearningRateSearch.Select([new(1e-3, 1, double.NaN, 0.4, 1)]));
        Assert.Throws<ArgumentException>(() => LearningRateSearch.Select([]));
    }
}
