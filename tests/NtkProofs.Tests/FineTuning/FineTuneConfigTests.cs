using NtkProofs.Adapters;
using NtkProofs.FineTuning;

namespace NtkProofs.Tests.FineTuning;

public sealed class FineTuneConfigTests
{
    private static string ConfigDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NtkProofs.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), "experiments", "configs", "finetune");
        }
    }

    [Fact]
    public void Defaults_json_equals_the_built_in_defaults()
    {
        string json = File.ReadAllText(Path.Combine(ConfigDirectory, "defaults.json"));
        Assert.Equal(new FineTuneConfig(), FineTuneConfig.Merge([("defaults.json", json)]));
    }

    [Fact]
    public void Every_shipped_config_is_valid()
    {
        string defaults = File.ReadAllText(Path.Combine(ConfigDirectory, "defaults.json"));
        foreach (var file in Directory.GetFiles(ConfigDirectory, "*.json"))
        {
            var config = FineTuneConfig.Merge([("defaults.json", defaults), (file, File.ReadAllText(file))]);
            Assert.NotNull(config.ToAdapterConfig());
        }
    }

    [Fact]
    public void Later_layers_override_earlier_ones_field_by_field()
    {
        var config = FineTuneConfig.Merge([("a", "{\"adapter\": {\"method\": \"prefix\", \"num_virtual_tokens\": 20, \"prefix_projection\": true}}"), ("b", "{\"adapter\": {\"num_virtual_tokens\": 5}, \"steps\": 7}")]);
        Assert.Equal(new PrefixTuningAdapterConfig(5, PrefixProjection: true), config.ToAdapterConfig());
        Assert.Equal(7, config.Steps);
    }

    [Theory]
    [InlineData("{\"stepz\": 3}", "unknown setting 'stepz'")]
    [InlineData("{\"steps\": \"many\"}", "invalid fine-tuning configuration")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"lora_rank\": 4}", "nested \"adapter\" object")]
    [InlineData("{\"method\": \"lora\"}", "nested \"adapter\" object")]
    [InlineData("{\"adapter\": \"lora\"}", "must be a JSON object")]
    [InlineData("{\"adapter\": {\"method\": \"adapterfusion\"}}", "adapterfusion")]
    [InlineData("{\"adapter\": {\"method\": \"prefix\", \"r\": 4}}", "r")]
    public void Bad_layers_name_the_problem(string json, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => FineTuneConfig.Merge([("x.json", json)]));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"steps\": 0}", "steps")]
    [InlineData("{\"head_lr\": 0}", "head learning rate")]
    [InlineData("{\"adapter\": {\"method\": \"ntk\", \"k_parameterization\": \"signed\"}}", "a trained k must stay >= 0")]
    [InlineData("{\"task\": \"sst2\"}", "unknown task")]
    [InlineData("{\"learning_rate\": -1}", "learning rate")]
    public void Invalid_values_throw_argument_exceptions(string json, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => FineTuneConfig.Merge([("x.json", json)]));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_naming_another_method_replaces_the_adapter_and_the_same_method_merges_field_by_field()
    {
        var other = FineTuneConfig.Merge([("a", "{\"adapter\": {\"method\": \"lora\", \"r\": 4}}"), ("b", "{\"adapter\": {\"method\": \"ntk\", \"rank\": 2}}")]);
        Assert.Equal(new NtkAttentionAdapterConfig(Rank: 2), other.Adapter);
        var same = FineTuneConfig.Merge([("a", "{\"adapter\": {\"method\": \"lora\", \"r\": 4}}"), ("b", "{\"adapter\": {\"method\": \"lora\", \"lora_alpha\": 4}}")]);
        Assert.Equal(new LoraAdapterConfig(4, 4), same.Adapter);
    }

    [Fact]
    public void The_nested_adapter_round_trips_through_the_config_json_as_adapter_config_json_writes_it()
    {
        var config = new FineTuneConfig { Adapter = new PrefixTuningAdapterConfig(7, PrefixProjection: true), HeadLearningRate = 5e-3 };
        string json = config.ToJson();
        Assert.Contains("\"head_lr\": 0.005", json, StringComparison.Ordinal);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!["adapter"]!;
        Assert.Equal(AdapterConfigJson.Deserialize(node.ToJsonString()), config.Adapter);
        Assert.Equal(config, FineTuneConfig.Merge([("config.json", json)]));
        Assert.Equal(5e-3, config.EffectiveHeadLearningRate);
        Assert.Equal(config.LearningRate, new FineTuneConfig().EffectiveHeadLearningRate);
    }
}
