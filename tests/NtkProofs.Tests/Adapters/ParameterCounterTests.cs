using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Tests.Support;
using NtkProofs.Transformers;

namespace NtkProofs.Tests.Adapters;

/// <summary>The trainable-parameter table of PAPER.md (claim C11), recomputed from configuration objects only.</summary>
public sealed class ParameterCounterTests
{
    private static readonly NtkAttentionAdapterConfig NtkFullZ = new(NtkAttentionAdapterConfig.Elu1);
    private static readonly NtkAttentionAdapterConfig NtkRank8 = new(NtkAttentionAdapterConfig.Elu1, Rank: 8);

    [Fact]
    public void ChatGlm3_ntk_full_Z() => Assert.Equal(14_794_752, ParameterCounter.CountAdapter(NtkFullZ, AttentionArchitecture.ChatGlm3_6B));

    [Fact]
    public void ChatGlm3_ntk_r128_s8() => Assert.Equal(1_949_696, ParameterCounter.CountAdapter(NtkRank8, AttentionArchitecture.ChatGlm3_6B));

    [Fact]
    public void ChatGlm3_lora_r8_on_fused_query_key_value()
    {
        // query_key_value: 4096 -> 4096 + 2 groups x 2 (K and V) x 128 = 4608; r (in + out) x 28 layers.
        var lora = new LoraAdapterConfig(Rank: 8, Targets: LoraTargets.QueryKeyValue);
        Assert.Equal(4608, AttentionArchitecture.ChatGlm3_6B.QueryWidth + (2 * AttentionArchitecture.ChatGlm3_6B.KvWidth));
        Assert.Equal(1_949_696, ParameterCounter.CountAdapter(lora, AttentionArchitecture.ChatGlm3_6B));
    }

    [Theory]
    [InlineData(10, 143_360)]
    [InlineData(100, 1_433_600)]
    [InlineData(1000, 14_336_000)]
    public void ChatGlm3_p_tuning_v2(int m, long expected)
    {
        // m x 28 layers x 2 (K, V) x 256, the multi-query KV width (2 groups x 128), not the hidden size 4096.
        Assert.Equal(256, AttentionArchitecture.ChatGlm3_6B.KvWidth);
        Assert.Equal(expected, ParameterCounter.CountAdapter(new PrefixTuningAdapterConfig(m), AttentionArchitecture.ChatGlm3_6B));
    }

    [Fact]
    public void VitB16_ntk_full_Z() => Assert.Equal(599_040, ParameterCounter.CountAdapter(NtkFullZ, AttentionArchitecture.VitB16));

    [Fact]
    public void Llama31_8B_ntk_full_Z_and_rank_8()
    {
        Assert.Equal(16_908_288, ParameterCounter.CountAdapter(NtkFullZ, AttentionArchitecture.Llama31_8B));
        Assert.Equal(2_228_224, ParameterCounter.CountAdapter(NtkRank8, AttentionArchitecture.Llama31_8B));
    }

    [Fact]
    public void Per_head_counts_follow_theory_part_c()
    {
        Assert.Equal((128 * 128) + 128, ParameterCounter.CountNtkPerHead(NtkFullZ, 128));
        Assert.Equal((128 * 8) + (8 * 128) + 128, ParameterCounter.CountNtkPerHead(NtkRank8, 128));
        // Taylor degree 2 on d_h = 32: r = C(34, 2) = 561.
        Assert.Equal((561 * 32) + 561, ParameterCounter.CountNtkPerHead(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2), 32));
    }

    [Fact]
    public void MiniLm_counts()
    {
        var arch = AttentionArchitecture.FromBert(BertConfig.MiniLmL6V2, "all-MiniLM-L6-v2");
        Assert.Equal(22_565_376, ParameterCounter.CountBert(BertConfig.MiniLmL6V2));
        Assert.Equal(6 * 2 * 8 * (384 + 384), ParameterCounter.CountAdapter(new LoraAdapterConfig(Rank: 8), arch));
        Assert.Equal(10 * 6 * 2 * 384, ParameterCounter.CountAdapter(new PrefixTuningAdapterConfig(10), arch));
        Assert.Equal(6 * 12 * ((32 * 32) + 32), ParameterCounter.CountAdapter(NtkFullZ, arch));
        Assert.Equal(22_565_376, ParameterCounter.CountAdapter(new FullFineTuningConfig(), arch));
        Assert.Equal(0, ParameterCounter.CountAdapter(new HeadOnlyConfig(), arch));
        Assert.Equal(770, ParameterCounter.CountHead(384, 2));
    }

    public static TheoryData<string> ModuleConfigs()
    {
        var data = TinyModels.TrainableMethodsJson();
        data.Add(AdapterConfigJson.Serialize(NtkRank8 with { Rank = 3 }));
        data.Add(AdapterConfigJson.Serialize(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2, KParameterization: KParameterization.Softplus)));
        data.Add(AdapterConfigJson.Serialize(new LoraAdapterConfig(Rank: 3, Targets: LoraTargets.Query | LoraTargets.Key | LoraTargets.Value)));
        return data;
    }

    [Theory]
    [MemberData(nameof(ModuleConfigs))]
    public void The_counter_agrees_with_the_modules_it_describes(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        using var model = TinyModels.Classifier(config);
        var tiny = TinyModels.Config();
        var arch = AttentionArchitecture.FromBert(tiny);
        long head = ParameterCounter.CountHead(tiny.HiddenSize, 2);
        Assert.Equal(ParameterCounter.CountAdapter(config, arch) + head, model.Summary().Trainable);
    }

    [Fact]
    public void The_ntk_module_starts_near_the_identity_with_a_trainable_k_and_runs_forward()
    {
        using var model = TinyModels.Classifier(NtkRank8 with { Rank = 3, KParameterization = KParameterization.Softplus, KInit = 1e-3 });
        var layer = ((NtkAttentionAdapter)model.Adapter).Layers[0];
        using var z = layer.EffectiveZ();
        using var k = layer.EffectiveK();
        Assert.Equal(new long[] { 4, 4, 4 }, z.shape);
        Assert.Equal(0f, z.abs().max().item<float>());
        Assert.Equal(1e-3, k.min().item<float>(), 6);
        using var batch = TinyModels.Batch();
        using var logits = TinyModels.EvalLogits(model, batch);
        Assert.Equal(new long[] { 4, 2 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData("elu1", null, null, 4)]
    [InlineData("elu1", 3, null, 4)]
    [InlineData("taylor", null, null, 15)]
    [InlineData("taylor", 2, null, 15)]
    [InlineData("positive_random", null, 8, 8)]
    [InlineData("positive_random", 5, 8, 8)]
    public void The_built_ntk_adapter_trains_r_d_h_plus_r_or_r_s_plus_s_d_h_plus_r_per_head(string map, int? rank, int? features, int r)
    {
        // Tiny encoder: 2 layers x 4 heads of d_h = 4; taylor:2 has r = C(6, 2) = 15.
        var config = new NtkAttentionAdapterConfig(map, features, Rank: rank);
        using var model = TinyModels.Classifier(config);
        const int d = 4, layersTimesHeads = 2 * 4;
        long perHead = rank is { } s ? (r * s) + (s * d) + r : (r * d) + r;
        long adapter = model.TrainableParameters().Where(p => p.Name.StartsWith("adapter.", StringComparison.Ordinal)).Sum(p => p.Parameter.numel());
        Assert.Equal(layersTimesHeads * perHead, adapter);
        Assert.Equal(ParameterCounter.CountAdapter(config, AttentionArchitecture.FromBert(TinyModels.Config())), adapter);
        Assert.Equal(adapter + ParameterCounter.CountHead(16, 2), model.Summary().Trainable);
    }
}
