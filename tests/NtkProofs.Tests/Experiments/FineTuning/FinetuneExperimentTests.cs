using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.Experiments.FineTuning;

/// <summary>The fine-tuning sweep experiment: points on a tiny encoder, settings layering, refusals, and the profile configs.</summary>
public sealed class FinetuneExperimentTests
{
    private const long MasterSeed = 20240620;

    internal static FinetuneExperiment Tiny() => new(TinyEncoder.Source, _ => TinyEncoder.Sentences(), null);

    /// <summary>A point with the experiment's defaults and the given values.</summary>
    internal static SweepPoint Point(params (string Name, JsonNode Value)[] values)
    {
        var experiment = Tiny();
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (name, value) in values)
        {
            var spec = experiment.Parameters.Single(p => p.Name == name);
            resolved[name] = spec.Validate(value, name);
        }

        return new SweepPoint(FinetuneExperiment.ExperimentName, resolved);
    }

    [Theory]
    [InlineData("head", 0.005)]
    [InlineData("lora", 0.001)]
    [InlineData("prefix", 0.01)]
    [InlineData("full", 0.00005)]
    public void A_point_trains_on_the_tiny_encoder_and_reports_accuracy_parameters_time_and_memory(string method, double methodLearningRate)
    {
        var point = Point(("method", method), ("steps", 3), ("batch", 8), ("max_length", 12), ("max_eval", 16), ("seed", 5));
        var run = Tiny().Measure(point, new ExperimentContext(MasterSeed));

        Assert.InRange(run.TestAccuracy, 0, 1);
        Assert.InRange(run.ValidationAccuracy, 0, 1);
        Assert.Equal(16, run.TestExamples);
        // Per-example correctness, one flag per test sentence, agreeing with the accuracy (paired comparisons need it).
        Assert.Equal(16, run.TestCorrect.Length);
        Assert.Equal(run.TestAccuracy, NtkProofs.Statistics.Correctness.Decode(run.TestCorrect).Count(c => c) / 16.0, 12);
        Assert.Equal(16, run.ValidationCorrect.Length);
        Assert.Equal(3, run.Steps);
        Assert.Equal(methodLearningRate, run.LearningRate);
        Assert.Equal(methodLearningRate, run.HeadLearningRate); // head_lr null in the method files: the head trains at the method's rate
        Assert.Equal(run.Trainable, run.Counted);
        Assert.Equal(method == "head" ? 0 : run.Trainable - 34, run.CountedAdapter); // head: 16 x 2 + 2
        Assert.True(run.Total >= run.Trainable);
        Assert.True(run.SecondsPerStep > 0);
        Assert.True(run.PeakRssMiB > 0);
        Assert.Contains("VmHWM", run.MemoryMeasure, StringComparison.Ordinal);
        Assert.True(double.IsFinite(run.FinalTrainLoss));
        Assert.Equal(method, AdapterConfigJson.Deserialize(run.AdapterConfigText).Method);
        Assert.Equal(method, run.Method);
        Assert.Equal(TinyEncoder.Source.Name, run.BaseModel);

        // The typed record survives the sweep's JSON lines unchanged.
        Assert.Equal(run, ResultJson.Read<FinetuneRun>(ResultJson.Write(run)));
    }

    [Fact]
    public void Settings_come_from_the_method_file_unless_the_point_gives_them()
    {
        var experiment = Tiny();
        var prefix = experiment.Resolve(Point(("method", "prefix"), ("prefix_length", 100)), MasterSeed);
        Assert.Equal(0.01, prefix.LearningRate);
        Assert.Equal(100, ((PrefixTuningAdapterConfig)prefix.Adapter).NumVirtualTokens);
        Assert.Equal((int)MasterSeed, prefix.SplitSeed);
        Assert.Equal(3e-3, experiment.Resolve(Point(("method", "prefix"), ("lr", 3e-3)), MasterSeed).LearningRate);

        var lora = experiment.Resolve(Point(("method", "lora"), ("rank", 4), ("lora_alpha", 8), ("seed", 3), ("steps", 7), ("batch", 4), ("max_length", 20), ("max_eval", 9)), 11);
        Assert.Equal(new LoraAdapterConfig(4, 8, 0.1), lora.ToAdapterConfig());
        Assert.Equal((3, 7, 4, 20, 9, 11, "polarity"), (lora.Seed, lora.Steps, lora.BatchSize, lora.MaxLength, lora.MaxEvalExamples, lora.SplitSeed, lora.Task));
    }

    [Theory]
    [InlineData("head", "rank", 4, "'rank' = 4 does not apply to method 'head'")]
    [InlineData("lora", "prefix_length", 100, "'prefix_length' = 100 does not apply to method 'lora'")]
    [InlineData("prefix", "ntk_rank", 8, "'ntk_rank' = 8 does not apply to method 'prefix'")]
    public void A_setting_of_another_method_is_refused_so_no_two_points_train_the_same_thing(string method, string name, int value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Tiny().Resolve(Point(("method", method), (name, value)), MasterSeed));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("elu1", 0, 4)]
    [InlineData("taylor:2", 0, 15)]
    [InlineData("prf:8", 3, 8)]
    public void An_ntk_point_trains_one_step_on_the_tiny_encoder_with_each_feature_map(string feature, int rank, int r)
    {
        var point = Point(("method", "ntk"), ("feature", feature), ("ntk_rank", rank), ("steps", 1), ("batch", 8), ("max_length", 12), ("max_eval", 16), ("seed", 5));
        var run = Tiny().Measure(point, new ExperimentContext(MasterSeed));

        // 2 layers x 4 heads of d_h = 4, plus the 16 x 2 + 2 head.
        long perHead = rank == 0 ? (r * 4) + r : (r * rank) + (rank * 4) + r;
        Assert.Equal((8 * perHead) + 34, run.Trainable);
        Assert.Equal(run.Trainable, run.Counted);
        Assert.Equal(1, run.Steps);
        Assert.True(double.IsFinite(run.FinalTrainLoss));
        Assert.InRange(run.TestAccuracy, 0, 1);
        Assert.Equal(0.001, run.LearningRate);
        Assert.Equal(feature, run.Feature);
        Assert.Equal(rank, run.NtkRank);
        var adapter = (NtkAttentionAdapterConfig)AdapterConfigJson.Deserialize(run.AdapterConfigText);
        Assert.Equal(FinetuneExperiment.ParseFeature(feature).FeatureMap, adapter.FeatureMap);
        Assert.Equal(rank == 0 ? null : rank, adapter.Rank);
        Assert.Equal(feature.StartsWith("prf", StringComparison.Ordinal) ? 5 : null, adapter.FeatureSeed);

        // C19: a full Z stores its singular spectrum per layer and head (2 x 4), a low-rank Z none.
        Assert.Equal(rank == 0 ? 8 : 0, run.Spectra.Count);
        Assert.All(run.Spectra, z => Assert.Equal((ZSpectrum.TrainedZ, feature, Math.Min(r, 4)), (z.Source, z.Feature, z.Dimension)));
        Assert.Equal(run, ResultJson.Read<FinetuneRun>(ResultJson.Write(run)));
    }

    [Fact]
    public void A_prefix_run_stores_the_spectra_of_its_closed_form_and_ntk_k_init_sets_k_init()
    {
        var prefix = Tiny().Measure(Point(("method", "prefix"), ("prefix_length", 2), ("steps", 1), ("batch", 8), ("max_length", 12), ("max_eval", 16), ("seed", 5)), new ExperimentContext(MasterSeed));
        Assert.Equal(8, prefix.Spectra.Count);
        Assert.All(prefix.Spectra, z => Assert.True(z.Source == ZSpectrum.PrefixZ && z.SingularValues[2] < 1e-6 * z.SingularValues[0], "Z(P) of m = 2 has rank <= 2"));

        var config = Tiny().Resolve(Point(("method", "ntk"), ("ntk_k_init", 0.1)), MasterSeed);
        Assert.Equal(0.1, ((NtkAttentionAdapterConfig)config.ToAdapterConfig()).KInit);
        Assert.Equal(new NtkAttentionAdapterConfig().KInit, ((NtkAttentionAdapterConfig)Tiny().Resolve(Point(("method", "ntk")), MasterSeed).ToAdapterConfig()).KInit);
        var e = Assert.Throws<ArgumentException>(() => Tiny().Resolve(Point(("method", "lora"), ("ntk_k_init", 0.1)), MasterSeed));
        Assert.Contains("'ntk_k_init' = 0.1 does not apply to method 'lora'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("elu1", "elu1", null, 2)]
    [InlineData("taylor:4", "taylor", null, 4)]
    [InlineData("prf:64", "positive_random", 64, 2)]
    public void Feature_names_map_to_the_adapter_feature_maps(string name, string map, int? dimension, int degree) =>
        Assert.Equal((map, dimension, degree), FinetuneExperiment.ParseFeature(name));

    [Theory]
    [InlineData("taylor")]
    [InlineData("prf:x")]
    [InlineData("relu")]
    public void Unknown_feature_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => FinetuneExperiment.ParseFeature(name));

    [Theory]
    [InlineData("smoke/finetune.json", 2)]
    [InlineData("quick/finetune.json", 3)]
    [InlineData("full/finetune.json", 36)]
    [InlineData("smoke/finetune-ntk.json", 1)]
    [InlineData("quick/finetune-ntk.json", 2)]
    [InlineData("full/finetune-ntk.json", 54)]
    public void The_profile_configs_load_and_every_point_resolves_to_a_distinct_run(string relative, int points)
    {
        var config = SweepConfig.Load(Path.Combine(RepositoryPaths.Root(), "experiments", "configs", relative));
        var plan = config.Plan();
        Assert.Equal(points, plan.Points.Count);
        var experiment = Assert.IsType<FinetuneExperiment>(config.Experiment);
        var runs = plan.Points.Select(p => experiment.Resolve(p.Point, config.Seed).ToJson()).ToList();
        Assert.Equal(points, runs.Distinct().Count());
        if (relative.Contains("-ntk", StringComparison.Ordinal))
        {
            Assert.All(plan.Points, p => Assert.Equal("ntk", p.Point.Text("method")));
        }
    }

    [Fact]
    public void The_quick_ntk_grid_has_s_4_and_full_for_one_feature_map_next_to_the_quick_baselines_on_polarity()
    {
        // C9 needs a low rank (s = 4) and full Z for one feature map, C10 NTK-Attention next to LoRA and P-Tuning v2 on one task
        // (full FT and s = 8 run in the full profile: the quick report has a 20-minute budget).
        string folder = Path.Combine(RepositoryPaths.Root(), "experiments", "configs", "quick");
        var ntk = SweepConfig.Load(Path.Combine(folder, "finetune-ntk.json")).Plan().Points.Select(p => p.Point).ToList();
        var baselines = SweepConfig.Load(Path.Combine(folder, "finetune.json")).Plan().Points.Select(p => p.Point).ToList();
        Assert.Equal([0, 4], ntk.Where(p => p.Text("feature") == "elu1").Select(p => p.Int("ntk_rank")).Order());
        Assert.All(ntk, p => Assert.Equal("polarity", p.Text("task")));
        var polarity = baselines.Where(p => p.Text("task") == "polarity").Select(p => p.Text("method")).ToHashSet();
        Assert.Superset(new HashSet<string> { "lora", "prefix" }, polarity);
        Assert.All(ntk, p => Assert.Equal((80, 48), (p.Int("steps"), p.Int("max_length"))));
    }
}
