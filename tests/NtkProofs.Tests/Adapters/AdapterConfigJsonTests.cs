using NtkProofs.Adapters;

namespace NtkProofs.Tests.Adapters;

/// <summary>adapter_config.json: the method discriminator, round trips and clear errors.</summary>
public sealed class AdapterConfigJsonTests
{
    public static TheoryData<string> AllConfigs() =>
    [
        AdapterConfigJson.Serialize(new HeadOnlyConfig()),
        AdapterConfigJson.Serialize(new FullFineTuningConfig()),
        AdapterConfigJson.Serialize(new LoraAdapterConfig(Rank: 4, Alpha: 8, Dropout: 0.05, Targets: LoraTargets.Query | LoraTargets.Key | LoraTargets.Value)),
        AdapterConfigJson.Serialize(new PrefixTuningAdapterConfig(100, PrefixProjection: true, EncoderHiddenSize: 512)),
        AdapterConfigJson.Serialize(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2, Rank: 8, KParameterization: KParameterization.Softplus)),
    ];

    [Theory]
    [MemberData(nameof(AllConfigs))]
    public void Every_config_round_trips_with_the_method_first(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        Assert.StartsWith("{\n  \"method\": \"" + config.Method + "\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(config, AdapterConfigJson.Deserialize(AdapterConfigJson.Serialize(config)));
    }

    [Fact]
    public void Lora_uses_peft_field_names()
    {
        string json = AdapterConfigJson.Serialize(new LoraAdapterConfig());
        Assert.Contains("\"r\": 8", json, StringComparison.Ordinal);
        Assert.Contains("\"lora_alpha\": 16", json, StringComparison.Ordinal);
        Assert.Contains("\"target_modules\": \"Query, Value\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"method\": \"adalora\"}", "adalora")]
    [InlineData("{\"r\": 8}", "method")]
    [InlineData("{\"method\": \"lora\", \"r\": 0}", "rank must be >= 1")]
    [InlineData("{\"method\": \"lora\", \"rank_typo\": 3}", "rank_typo")]
    [InlineData("{\"method\": \"ntk\", \"k_init\": 0}", "k_init")]
    [InlineData("{\"method\": \"ntk\", \"feature_map\": \"taylor\", \"taylor_degree\": 3}", "even")]
    [InlineData("not json", "not a valid adapter config")]
    public void Invalid_configs_fail_with_a_message_naming_the_problem(string json, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => AdapterConfigJson.Deserialize(json, "test.json"));
        Assert.StartsWith("test.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_factory_builds_the_ntk_method()
    {
        Assert.True(AdapterFactory.NtkAttentionAvailable);
        using var adapter = AdapterFactory.Create(new NtkAttentionAdapterConfig(), NtkProofs.Transformers.BertConfig.Tiny());
        Assert.IsType<NtkAttentionAdapter>(adapter);
    }

    [Fact]
    public void The_positive_random_feature_seed_round_trips_and_is_refused_for_deterministic_maps()
    {
        var config = new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 16, FeatureSeed: 77);
        string json = AdapterConfigJson.Serialize(config);
        Assert.Contains("\"feature_seed\": 77", json, StringComparison.Ordinal);
        Assert.Equal(config, AdapterConfigJson.Deserialize(json));
        Assert.DoesNotContain("feature_seed", AdapterConfigJson.Serialize(new NtkAttentionAdapterConfig()), StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => AdapterConfigJson.Deserialize("{\"method\": \"ntk\", \"feature_seed\": 3}", "x.json"));
        Assert.Contains("feature_seed applies to positive_random features only", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"method\": \"head\"}")]
    [InlineData("{\"method\": \"full\"}")]
    [InlineData("{\"method\": \"lora\", \"r\": 4, \"lora_alpha\": 8, \"lora_dropout\": 0.1, \"target_modules\": \"Query, Value\"}")]
    [InlineData("{\"method\": \"prefix\", \"num_virtual_tokens\": 100, \"prefix_projection\": false, \"encoder_hidden_size\": 0}")]
    [InlineData("{\"method\": \"ntk\", \"feature_map\": \"positive_random\", \"feature_dimension\": 32, \"taylor_degree\": 2, \"rank\": 8, \"causal\": false, \"k_parameterization\": \"Abs\", \"k_init\": 0.001, \"z_a_init_std\": 0.02, \"feature_seed\": 5}")]
    public void Adapter_configs_written_before_the_method_registry_still_load_to_the_same_text(string json)
    {
        // The registry replaced the [JsonDerivedType] attributes, not the file format: saved adapters keep loading.
        var config = AdapterConfigJson.Deserialize(json, "old adapter_config.json");
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(json)!["method"]!.GetValue<string>(), config.Method);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(json), System.Text.Json.Nodes.JsonNode.Parse(AdapterConfigJson.Serialize(config))), AdapterConfigJson.Serialize(config));
    }
}
