using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.FineTuning;
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
        var result = Tiny().Run(point, new ExperimentContext(MasterSeed));

        Assert.InRange(result["test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.InRange(result["validation_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Equal(16, result["test_examples"]!.GetValue<int>());
        Assert.Equal(3, result["steps"]!.GetValue<int>());
        Assert.Equal(methodLearningRate, result["learning_rate"]!.GetValue<double>());
        long trainable = result["trainable_params"]!.GetValue<long>();
        Assert.Equal(trainable, result["counted_trainable_params"]!.GetValue<long>());
        Assert.Equal(method == "head" ? 0 : trainable - 34, result["counted_adapter_params"]!.GetValue<long>()); // head: 16 x 2 + 2
        Assert.True(result["total_params"]!.GetValue<long>() >= trainable);
        Assert.True(result["seconds_per_step_median"]!.GetValue<double>() > 0);
        Assert.True(result["peak_rss_mib"]!.GetValue<double>() > 0);
        Assert.Contains("VmHWM", result["memory_measure"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(double.IsFinite(result["final_train_loss"]!.GetValue<double>()));
        Assert.Equal(method, result["adapter_config"]!["method"]!.GetValue<string>());
        Assert.Equal(TinyEncoder.Source.Name, result["base_model"]!.GetValue<string>());
    }

    [Fact]
    public void Settings_come_from_the_method_file_unless_the_point_gives_them()
    {
        var experiment = Tiny();
        var prefix = experiment.Resolve(Point(("method", "prefix"), ("prefix_length", 100)), MasterSeed);
        Assert.Equal(0.01, prefix.LearningRate);
        Assert.Equal(100, prefix.PrefixLength);
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

    [Fact]
    public void Ntk_points_stop_with_a_clear_message_while_NTK_Attention_is_not_wired_in()
    {
        Assert.False(AdapterFactory.NtkAttentionAvailable, "NTK-Attention is wired in: move experiments/configs/pending/finetune-ntk.*.json into the profiles and replace this test by a tiny ntk run");
        var e = Assert.Throws<ArgumentException>(() => Tiny().Run(Point(("method", "ntk"), ("ntk_rank", 8)), new ExperimentContext(MasterSeed)));
        Assert.Contains("method 'ntk' cannot run yet", e.Message, StringComparison.Ordinal);
        Assert.Contains("NtkAttention", e.Message, StringComparison.Ordinal);
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
    [InlineData("quick/finetune.json", 9)]
    [InlineData("full/finetune.json", 36)]
    public void The_profile_configs_load_and_every_point_resolves_to_a_distinct_run(string relative, int points)
    {
        var config = SweepConfig.Load(Path.Combine(RepositoryPaths.Root(), "experiments", "configs", relative));
        var plan = config.Plan();
        Assert.Equal(points, plan.Points.Count);
        var experiment = Assert.IsType<FinetuneExperiment>(config.Experiment);
        var runs = plan.Points.Select(p => experiment.Resolve(p.Point, config.Seed).ToJson()).ToList();
        Assert.Equal(points, runs.Distinct().Count());
    }

    [Theory]
    [InlineData("finetune-ntk.quick.json", 4)]
    [InlineData("finetune-ntk.full.json", 54)]
    public void The_pending_ntk_configs_load_and_wait_for_NTK_Attention(string file, int points)
    {
        var config = SweepConfig.Load(Path.Combine(RepositoryPaths.Root(), "experiments", "configs", "pending", file));
        var plan = config.Plan();
        Assert.Equal(points, plan.Points.Count);
        Assert.All(plan.Points, p => Assert.Equal("ntk", p.Point.Text("method")));
        Assert.All(plan.Points, p => Assert.Contains("cannot run yet", Assert.Throws<ArgumentException>(() => ((FinetuneExperiment)config.Experiment).Resolve(p.Point, config.Seed)).Message, StringComparison.Ordinal));
    }
}
