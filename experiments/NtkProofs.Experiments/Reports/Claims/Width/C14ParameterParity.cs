using System.Globalization;
using System.Text;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Transformers;

namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>One adapter configuration's trainable count on one model.</summary>
/// <param name="Method">Display name, e.g. "NTK full Z (elu1, r = d_h)".</param>
/// <param name="Count">Trainable parameters (adapter only, no head).</param>
/// <param name="BreakEvenPrefix">The prefix length m at which P-Tuning v2 costs as much (count / per-token prefix cost), or null for the P-Tuning rows themselves.</param>
public sealed record C14Count(string Method, long Count, double? BreakEvenPrefix);

/// <summary>The counts of one model.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Layers">Layers.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="HeadDim">d_h.</param>
/// <param name="Hidden">Hidden size.</param>
/// <param name="FullZ">NTK-Attention with a full Z and r = d_h (the configuration the paper reports).</param>
/// <param name="PrefixPerToken">P-Tuning v2 parameters per prefix token (2 layers kv width).</param>
/// <param name="Rows">Every configuration's count.</param>
public sealed record C14Model(string Model, int Layers, int Heads, int KvHeads, int HeadDim, int Hidden, long FullZ, long PrefixPerToken, IReadOnlyList<C14Count> Rows)
{
    /// <summary>P-Tuning v2's count at prefix length m.</summary>
    /// <param name="m">Prefix length.</param>
    public long Prefix(int m) => PrefixPerToken * m;

    /// <summary>The m at which P-Tuning v2 costs as much as a full Z.</summary>
    public double FullZBreakEven => (double)FullZ / PrefixPerToken;
}

/// <summary>The evidence of C14: counts on each model the rule needs.</summary>
/// <param name="Models">Per-model counts.</param>
/// <param name="Required">The models the rule needs (all five of the issue).</param>
public sealed record C14Evidence(IReadOnlyList<C14Model> Models, IReadOnlyList<string> Required);

/// <summary>
/// C14: NTK-Attention is parameter-efficient next to prefix tuning. Pure arithmetic from public configuration numbers
/// through <see cref="ParameterCounter"/>: no sweep is needed, so <see cref="Configs"/> is empty.
/// </summary>
public sealed class C14ParameterParity : IClaim
{
    /// <summary>The prefix lengths of the table.</summary>
    public static IReadOnlyList<int> PrefixLengths { get; } = [10, 100, 200, 1000];

    /// <summary>
    /// LLaMA-3.2-1B (meta-llama/Llama-3.2-1B config.json): num_hidden_layers 16, num_attention_heads 32,
    /// num_key_value_heads 8, head_dim 64, hidden_size 2048.
    /// </summary>
    public static AttentionArchitecture Llama32_1B { get; } = new("LLaMA-3.2-1B", 16, 32, 64, 2048, 8);

    /// <summary>
    /// The five models. Sources (public config.json of each): ChatGLM3-6B (THUDM/chatglm3-6b: num_layers 28,
    /// num_attention_heads 32, kv_channels 128, hidden_size 4096, multi_query_group_num 2); LLaMA-3.2-1B (above);
    /// LLaMA-3.1-8B (meta-llama/Llama-3.1-8B: 32 layers, 32 heads, 8 kv heads, head_dim 128, hidden 4096);
    /// ViT-B/16 (google/vit-base-patch16-224: 12 layers, 12 heads, hidden 768, so d_h 64);
    /// MiniLM (sentence-transformers/all-MiniLM-L6-v2: 6 layers, 12 heads, hidden 384, so d_h 32).
    /// </summary>
    public static IReadOnlyList<AttentionArchitecture> Architectures { get; } =
    [
        AttentionArchitecture.ChatGlm3_6B,
        Llama32_1B,
        AttentionArchitecture.Llama31_8B,
        AttentionArchitecture.VitB16,
        AttentionArchitecture.FromBert(BertConfig.MiniLmL6V2, "MiniLM-L6"),
    ];

    /// <inheritdoc />
    public string Id => "C14";

    /// <inheritdoc />
    public string Statement => "NTK-Attention is parameter-efficient next to prefix tuning";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [];

    /// <summary>The rule in words.</summary>
    public static string Rule =>
        $"supported if NTK-Attention with a full Z (r = d_h, the configuration the paper reports) costs at most P-Tuning v2 at m = {WidthCriteria.C14SupportedPrefixLength} on every model; "
        + $"not supported if it exceeds P-Tuning v2 at m = {WidthCriteria.C14RefutedPrefixLength} on some model; supported with caveat otherwise; "
        + "inconclusive when a required model is missing. Counts: NTK layers x heads x (r d_h + r) (low rank r s + s d_h + r); P-Tuning v2 m x layers x 2 x kv heads x d_h; LoRA r = 8 on W_Q, W_V (ChatGLM's fused query_key_value).";

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs) => Decide(Gather());

    /// <summary>Computes the counts of every model.</summary>
    public static C14Evidence Gather() =>
        new([.. Architectures.Select(Count)], [.. Architectures.Select(a => a.Name)]);

    /// <summary>The counts of one architecture.</summary>
    /// <param name="a">The architecture.</param>
    public static C14Model Count(AttentionArchitecture a)
    {
        ArgumentNullException.ThrowIfNull(a);
        long perToken = ParameterCounter.CountAdapter(new PrefixTuningAdapterConfig(1), a);
        long fullZ = ParameterCounter.CountAdapter(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1), a);
        var lora = new LoraAdapterConfig(Rank: 8, Targets: a.KvHeads < a.Heads && a.Name.StartsWith("ChatGLM", StringComparison.Ordinal) ? LoraTargets.QueryKeyValue : LoraTargets.Query | LoraTargets.Value);
        var configs = new List<(string, AdapterConfig)>
        {
            ("NTK full Z (elu1, r = d_h)", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1)),
            ("NTK elu1, s = 4", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1, Rank: 4)),
            ("NTK elu1, s = 8", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1, Rank: 8)),
            ("NTK Taylor g = 2, full Z", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2)),
            ("NTK prf r = 256, full Z", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 256)),
            ("LoRA r = 8", lora),
        };
        var rows = configs.Select(c =>
        {
            long n = ParameterCounter.CountAdapter(c.Item2, a);
            return new C14Count(c.Item1, n, (double)n / perToken);
        }).ToList();
        rows.AddRange(PrefixLengths.Select(m => new C14Count($"P-Tuning v2, m = {m}", ParameterCounter.CountAdapter(new PrefixTuningAdapterConfig(m), a), null)));
        return new C14Model(a.Name, a.Layers, a.Heads, a.KvHeads, a.HeadDim, a.HiddenSize, fullZ, perToken, rows);
    }

    /// <summary>The verdict from the counts.</summary>
    /// <param name="e">The counts.</param>
    public static ClaimResult Decide(C14Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var missing = e.Required.Where(r => e.Models.All(m => m.Model != r)).ToList();
        var numbers = e.Models.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Model}: full Z {m.FullZ:N0} = P-Tuning v2 at m = {m.FullZBreakEven:0.#} (m = 100: {m.Prefix(WidthCriteria.C14SupportedPrefixLength):N0}; m = 1000: {m.Prefix(WidthCriteria.C14RefutedPrefixLength):N0})")).ToList();
        var above1000 = e.Models.Where(m => m.FullZ > m.Prefix(WidthCriteria.C14RefutedPrefixLength)).ToList();
        var above100 = e.Models.Where(m => m.FullZ > m.Prefix(WidthCriteria.C14SupportedPrefixLength)).ToList();
        var against = above100.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Model}: full Z costs P-Tuning v2 at m = {m.FullZBreakEven:0.#} (> {WidthCriteria.C14SupportedPrefixLength})")).ToList();
        string worst = e.Models.Count == 0 ? "no counts" : string.Create(CultureInfo.InvariantCulture,
            $"full Z = prefix m {e.Models.Min(m => m.FullZBreakEven):0}..{e.Models.Max(m => m.FullZBreakEven):0}");
        Verdict verdict;
        string? decider = null;
        if (missing.Count > 0 && above1000.Count == 0)
        {
            verdict = Verdict.Inconclusive;
            decider = $"counts for {string.Join(", ", missing)} (their public configuration numbers)";
        }
        else if (above1000.Count > 0)
        {
            verdict = Verdict.NotSupported;
        }
        else
        {
            verdict = above100.Count == 0 ? Verdict.Supported : Verdict.SupportedWithCaveat;
        }

        return new ClaimResult(verdict, worst, numbers, Rule, decider, against, [Figure(e)], Table(e), ["(pure arithmetic: ParameterCounter on the public configs in C14ParameterParity.Architectures)"]);
    }

    private static ClaimFigure Figure(C14Evidence e)
    {
        var series = e.Models.Select((m, i) => new FigureSeries(
            m.Model,
            [.. m.Rows.Where(r => r.Method.StartsWith("NTK", StringComparison.Ordinal)).Select(r => (double)(r.Count / ((long)m.Layers * m.Heads)))],
            [.. m.Rows.Where(r => r.Method.StartsWith("NTK", StringComparison.Ordinal)).Select(r => Math.Max(r.BreakEvenPrefix ?? 0, 1e-3))],
            SeriesStyle.Markers,
            ColorIndex: i)).ToList();
        var spec = new FigureSpec("fig_c14_breakeven", "Break-even prefix length of NTK-Attention configurations", "NTK parameters per head", "P-Tuning v2 m of equal cost", AxisScale.Log10, AxisScale.Log10, series,
            [new ReferenceLine("m = 100", WidthCriteria.C14SupportedPrefixLength), new ReferenceLine("m = 1000", WidthCriteria.C14RefutedPrefixLength)], LegendOutside: true);
        return new ClaimFigure(spec, "each marker is one NTK-Attention configuration (full Z, s = 4, s = 8, Taylor g = 2, prf 256) on one model; y is the prefix length at which P-Tuning v2 has as many trainable parameters.");
    }

    private static string Table(C14Evidence e)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model (layers, heads, kv heads, d_h, hidden) | configuration | trainable | break-even m |");
        sb.AppendLine("|---|---|---:|---:|");
        foreach (var m in e.Models)
        {
            foreach (var r in m.Rows)
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {m.Model} ({m.Layers}, {m.Heads}, {m.KvHeads}, {m.HeadDim}, {m.Hidden}) | {r.Method} | {r.Count:N0} | {(r.BreakEvenPrefix is { } b ? b.ToString("0.#", CultureInfo.InvariantCulture) : "")} |"));
            }
        }

        return sb.ToString();
    }
}
