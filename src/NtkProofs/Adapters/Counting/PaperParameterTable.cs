namespace NtkProofs.Adapters.Counting;

/// <summary>One row of PAPER.md's trainable-parameter table: a method configuration on a public architecture and the count PAPER.md states.</summary>
/// <param name="Architecture">The model's attention shape.</param>
/// <param name="Method">The method in PAPER.md's words.</param>
/// <param name="Config">The adapter configuration that method corresponds to.</param>
/// <param name="Stated">The count PAPER.md states (adapter only, no classifier).</param>
public sealed record PaperParameterRow(AttentionArchitecture Architecture, string Method, AdapterConfig Config, long Stated)
{
    /// <summary>The count <see cref="ParameterCounter"/> computes from the configuration objects.</summary>
    public long Computed => ParameterCounter.CountAdapter(Config, Architecture);
}

/// <summary>PAPER.md's "Trainable-parameter arithmetic" table (claim C11), as configuration objects and stated counts.</summary>
public static class PaperParameterTable
{
    /// <summary>NTK-Attention with the released code's features (ELU+1, r = d_h) and a full Z.</summary>
    private static readonly NtkAttentionAdapterConfig NtkFullZ = new(NtkAttentionAdapterConfig.Elu1);

    /// <summary>NTK-Attention with r = d_h and Z = Z_A Z_B of rank 8.</summary>
    private static readonly NtkAttentionAdapterConfig NtkRank8 = new(NtkAttentionAdapterConfig.Elu1, Rank: 8);

    /// <summary>The rows, in PAPER.md's order.</summary>
    public static IReadOnlyList<PaperParameterRow> Rows { get; } =
    [
        new(AttentionArchitecture.ChatGlm3_6B, "NTK-Attention, full Z", NtkFullZ, 14_794_752),
        new(AttentionArchitecture.ChatGlm3_6B, "NTK-Attention, r 128, s 8", NtkRank8, 1_949_696),
        new(AttentionArchitecture.ChatGlm3_6B, "LoRA r 8 on query_key_value", new LoraAdapterConfig(Rank: 8, Targets: LoraTargets.QueryKeyValue), 1_949_696),
        new(AttentionArchitecture.ChatGlm3_6B, "P-Tuning v2, m = 10", new PrefixTuningAdapterConfig(10), 143_360),
        new(AttentionArchitecture.ChatGlm3_6B, "P-Tuning v2, m = 100", new PrefixTuningAdapterConfig(100), 1_433_600),
        new(AttentionArchitecture.ChatGlm3_6B, "P-Tuning v2, m = 1000", new PrefixTuningAdapterConfig(1000), 14_336_000),
        new(AttentionArchitecture.VitB16, "NTK-Attention, full Z", NtkFullZ, 599_040),
        new(AttentionArchitecture.Llama31_8B, "NTK-Attention, full Z", NtkFullZ, 16_908_288),
        new(AttentionArchitecture.Llama31_8B, "NTK-Attention, s 8", NtkRank8, 2_228_224),
    ];
}
