using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Experiments.WidthExperiments;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.Experiments.WidthExperiments;

/// <summary>The C13-C17 experiments run end to end at tiny sizes and return consistent typed results.</summary>
public sealed class WidthExperimentsTests
{
    private static SweepPoint Point(IExperiment experiment, params (string Name, JsonNode Value)[] values)
    {
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (name, value) in values)
        {
            resolved[name] = experiment.Parameters.Single(p => p.Name == name).Validate(value, name);
        }

        return new SweepPoint(experiment.Name, resolved);
    }

    private static readonly ExperimentContext Context = new(20240620);

    [Fact]
    public void Width_bench_times_every_m_and_map_and_round_trips_as_json()
    {
        var e = new WidthBenchExperiment();
        var r = e.Measure(Point(e, ("heads", 2), ("dim", 8), ("length", 8), ("from", 2), ("to", 6), ("features", "elu1,prf:16"), ("repetitions", 1)), Context);
        Assert.Equal([4L, 16, 64], r.Prefix.Select(p => p.PrefixLength));
        Assert.Equal(["elu1", "prf:16"], r.Ntk.Select(n => n.Feature));
        Assert.All(r.Prefix, p => Assert.True(p.SecondsMedian > 0));
        Assert.Equal(16, r.DModel);
        var back = ResultJson.Read<WidthBenchResult>(ResultJson.Write(r));
        Assert.Equal(r.Ntk[1].R, back.Ntk[1].R);
    }

    [Fact]
    public void Width_bench_refuses_to_below_from()
    {
        var e = new WidthBenchExperiment();
        Assert.Throws<ArgumentException>(() => e.Measure(Point(e, ("from", 6), ("to", 4)), Context));
    }

    [Fact]
    public void Small_prefix_trains_below_the_zero_state()
    {
        var e = new SmallPrefixExperiment();
        var r = e.Measure(Point(e, ("m", 10), ("length", 16), ("dim", 4), ("steps", 200), ("test_draws", 4)), Context);
        Assert.Equal(10, r.PrefixLength);
        Assert.True(r.TrainedError < r.ZeroStateError, $"trained {r.TrainedError} vs zero state {r.ZeroStateError}");
    }

    [Fact]
    public void Inference_times_every_variant_in_every_round()
    {
        var e = new InferenceOverheadExperiment(TinyEncoder.Source, () => [.. TinyEncoder.Sentences(8).Select(s => s.Text)]);
        var r = e.Measure(Point(e, ("batch", 2), ("max_length", 8), ("warmup", 1), ("repetitions", 3)), Context);
        Assert.Equal(InferenceOverheadExperiment.Variants.Count, r.Variants.Count);
        Assert.Equal("base", r.Variants[0].Name);
        Assert.All(r.Variants, v => Assert.Equal(3, v.Seconds.Count));
    }

    [Fact]
    public void Real_beta_covers_every_layer_and_head_at_init_and_after_training()
    {
        var e = new RealBetaExperiment(TinyEncoder.Source, () => TinyEncoder.Sentences());
        var init = e.Measure(Point(e, ("steps", 0), ("sentences", 8), ("max_length", 8)), Context);
        var trained = e.Measure(Point(e, ("steps", 3), ("batch", 4), ("sentences", 8), ("max_length", 8)), Context);
        var config = TinyEncoder.Source.Config;
        Assert.Equal(config.NumLayers * config.NumHeads, init.Heads.Count);
        Assert.All(init.Heads, h => Assert.True(h.Beta > 0 && double.IsFinite(h.Beta)));
        Assert.True(double.IsNaN(init.FinalTrainLoss));
        Assert.True(double.IsFinite(trained.FinalTrainLoss));
        Assert.NotEqual(init.Heads.Sum(h => h.Beta), trained.Heads.Sum(h => h.Beta));
    }
}
