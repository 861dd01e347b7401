using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.FineTuning;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.Adapters;

/// <summary>
/// The method registry: everything that dispatches on a method reads <see cref="AdapterMethods"/>, so a new method costs
/// its folder plus one registration line. Every descriptor must round-trip its configuration through adapter_config.json
/// and the fine-tuning config's nested "adapter" object, and count exactly the trainable parameters its module has.
/// </summary>
public sealed class AdapterMethodsTests
{
    public static TheoryData<string> MethodNames() => [.. AdapterMethods.Names];

    [Fact]
    public void The_registry_enumerates_unique_descriptors()
    {
        Assert.Equal(["head", "full", "lora", "prefix", "ntk"], AdapterMethods.Names);
        Assert.Equal(AdapterMethods.All.Count, AdapterMethods.All.Select(m => m.ConfigType).Distinct().Count());
        Assert.Equal(AdapterMethods.All.Count, AdapterMethods.All.Select(m => m.DisplayName).Distinct().Count());
        var sweepNames = AdapterMethods.All.SelectMany(m => m.SweepParameters).Select(p => p.Name).ToList();
        Assert.Equal(sweepNames.Count, sweepNames.Distinct().Count());
        var e = Assert.Throws<ArgumentException>(() => AdapterMethods.Get("adalora"));
        Assert.Contains("head, full, lora, prefix or ntk", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void Each_descriptor_round_trips_its_config_and_counts_its_modules_trainable_parameters(string name)
    {
        var method = AdapterMethods.Get(name);
        var config = method.DefaultConfig;
        Assert.Equal(method.ConfigType, config.GetType());
        Assert.Equal(name, config.Method);
        Assert.Same(method, AdapterMethods.For(config));

        // adapter_config.json and the nested "adapter" object of a fine-tuning config.
        Assert.Equal(config, AdapterConfigJson.Deserialize(AdapterConfigJson.Serialize(config)));
        var run = new FineTuneConfig { Adapter = config };
        Assert.Equal(run, FineTuneConfig.Merge([("config.json", run.ToJson())]));

        // The formula equals the built model's trainable parameters minus the head.
        var trained = method.ForTraining(config, seed: 3);
        using var model = TinyModels.Classifier(trained);
        long head = ParameterCounter.CountHead(TinyModels.Config().HiddenSize, model.NumLabels);
        Assert.Equal(model.Summary().Trainable - head, method.CountParameters(trained, AttentionArchitecture.FromBert(TinyModels.Config())));
        Assert.Equal(method.CountParameters(trained, AttentionArchitecture.FromBert(TinyModels.Config())), ParameterCounter.CountAdapter(trained, AttentionArchitecture.FromBert(TinyModels.Config())));
        Assert.False(string.IsNullOrWhiteSpace(method.Settings(config)));
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void Each_method_is_wired_into_the_sweep_experiment_and_has_a_method_file(string name)
    {
        var method = AdapterMethods.Get(name);
        var experiment = new FinetuneExperiment();
        Assert.Contains(name, experiment.Parameters.Single(p => p.Name == "method").Allowed!);
        foreach (var parameter in method.SweepParameters)
        {
            Assert.Contains(experiment.Parameters, p => p.Name == parameter.Name);
        }

        Assert.Equal(method.DisplayName, FinetuneRun.FamilyName(name));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "experiments", "configs", "finetune", name + ".json")), $"experiments/configs/finetune/{name}.json");
    }

    [Fact]
    public void A_descriptor_refuses_another_methods_config() =>
        Assert.Throws<ArgumentException>(() => AdapterMethods.Get("lora").Settings(new PrefixTuningAdapterConfig()));

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NtkProofs.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}
