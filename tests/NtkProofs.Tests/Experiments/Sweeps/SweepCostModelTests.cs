using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>The dry run's cost model: estimates follow the work of the points, and experiments without calibration say so.</summary>
public sealed class SweepCostModelTests
{
    private static SweepPlan Plan(string profile, string name) =>
        SweepConfig.Load(Path.Combine(RepositoryPaths.Root(), "experiments", "configs", profile, name + ".json")).Plan();

    [Fact]
    public void Estimates_grow_with_the_work_and_shards_add_up_to_the_whole()
    {
        var quick = SweepCostModel.Estimate(Plan("quick", "trained-width"));
        var full = SweepCostModel.Estimate(Plan("full", "trained-width"));
        Assert.Equal(15, quick.Points);
        Assert.NotNull(quick.Seconds);
        Assert.True(quick.Seconds > 15 * 300 * 3.1e-3, "every point costs at least its steps' dispatch");

        // The full grid: 40000 steps of m = 4096, L = 128 against 300 of m = 256, L = 32: orders of magnitude more.
        Assert.True(full.Seconds > 100 * quick.Seconds);

        var plan = Plan("quick", "theoremb-r");
        double whole = SweepCostModel.Estimate(plan).Seconds!.Value;
        double shards = Enumerable.Range(1, 3).Sum(i => SweepCostModel.Estimate(plan, ShardSpec.Parse($"{i}/3")).Seconds!.Value);
        Assert.Equal(whole, shards, 9);
    }

    [Fact]
    public void Every_profile_config_except_fine_tuning_has_a_cost_model()
    {
        foreach (string profile in new[] { "smoke", "quick", "full" })
        {
            foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root(), "experiments", "configs", profile), "*.json"))
            {
                var plan = SweepConfig.Load(file).Plan();
                var e = SweepCostModel.Estimate(plan);
                if (plan.Experiment == "finetune")
                {
                    Assert.Null(e.Seconds);
                    Assert.StartsWith("no estimate", e.Describe(), StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(e.Seconds is > 0 && double.IsFinite(e.Seconds.Value), file);
                    Assert.Contains("an estimate, not a measurement", e.Describe(), StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [InlineData(30, "30 s")]
    [InlineData(600, "10 min")]
    [InlineData(36000, "10 h")]
    public void Durations_read_in_a_unit_that_fits(double seconds, string text) => Assert.Equal(text, SweepCostEstimate.Human(seconds));
}
