namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>
/// Every claim of PAPER.md's ledger, grouped into the report's sections. Register a claim by replacing its
/// <see cref="PendingClaim"/> line with its rule class (one line).
/// </summary>
public static class ClaimRegistry
{
    /// <summary>The report's sections, in order.</summary>
    public static IReadOnlyList<ClaimGroup> Groups { get; } =
    [
        new ClaimGroup(
            "NTK lemmas of the stylized prefix model (THEORY.md Part A)",
            "The stylized model: one attention layer, a trainable prefix P of m rows, F(x) = alpha(m) sum_r softmax_r(<p_r, x>) value_r, value paths fixed (signs), separate (trainable values) and tied (prefix row = value). Criteria are those of THEORY.md, collected in `LemmaCriteria`; the same runners back the property tests in `properties/`.",
            [
                new PendingClaim("C1", "kernel PD at init; empirical kernel concentrates on H* as m grows", "ledger v2 port pending"),
                new PendingClaim("C2", "kernel stays close during training (lazy)", "ledger v2 port pending"),
                new PendingClaim("C3", "loss decays linearly to arbitrarily small values for m large enough", "ledger v2 port pending"),
                new PendingClaim("C4", "longer prefix, stronger learning: final training loss / steps to eps versus m", "ledger v2 port pending"),
                new PendingClaim("C18", "longer prefixes learn more (the paper's prefix-length scaling reading)", "stylized capacity m_fit against n (issue 8) and P-Tuning v2 accuracy against m (issue 10)"),
                new PendingClaim("C21", "the NTK lemmas carry over to L > 1 causal queries", "the L > 1 causal-query model of THEORY.md A.2 (issue 8)"),
            ]),
        new ClaimGroup(
            "NTK-Attention: identities, the error bound, cost and the trained setting (THEORY.md Part B)",
            "PrefixAttn(X; P) attends from the input's queries over [prefix keys; input keys] (queries from X only, as the paper intends); NTK-Attention replaces the prefix by Z = sum phi(K_P) V_P^T and k = sum phi(K_P).",
            [
                new PendingClaim("C5", "NTK-Attention with phi = Taylor(g) approximates prefix attention; error bound of Theorem B", "ledger v2 port pending"),
                new PendingClaim("C6", "error is 1/poly(m)", "ledger v2 port pending"),
                new PendingClaim("C7", "NTK-Attention cost is independent of m; memory O(r d + r)", "ledger v2 port pending"),
                new PendingClaim("C8", "trained Z, k approximate a long prefix (Section 4.4 done correctly)", "ledger v2 port pending"),
                new PendingClaim("C13", "the theorem-backed feature map is usable at real scale", "beta on real MiniLM queries against learned prefix keys (issue 9)"),
                new PendingClaim("C15", "NTK-Attention is cheaper than prefix attention at the widths models use", "time and memory at d_model 2048 and 4096 (issue 9)"),
                new PendingClaim("C17", "NTK-Attention is still useful at small m and at m close to L", "trained setting and closed form at m in {10, 100}, L in {128, 1024} (issue 9)"),
                new PendingClaim("C12", "released-code defects (double-counted prefix, frozen k, eval dropout, fp32 overflow, model selection on the reported split)", "ledger v2 port pending"),
            ]),
        new ClaimGroup(
            "NTK-Attention as a fine-tuning adapter (THEORY.md Part C)",
            "all-MiniLM-L6-v2 rebuilt in TorchSharp, frozen, with one adapter per run and a trained classification head.",
            [
                new NtkProofs.Experiments.Reports.Claims.FineTuning.C9LowRankZ(),
                new NtkProofs.Experiments.Reports.Claims.FineTuning.C10NtkCompetitive(),
                new NtkProofs.Experiments.Reports.Claims.FineTuning.C11ParameterCounts(),
                new PendingClaim("C14", "NTK-Attention is parameter-efficient next to prefix tuning", "counts from public configs (issue 9)"),
                new PendingClaim("C16", "NTK-Attention's inference overhead is acceptable next to LoRA", "forward latency of the real encoder (issue 9)"),
                new PendingClaim("C19", "a low-rank Z is justified", "singular spectra and accuracy against s (issue 10)"),
                new PendingClaim("C20", "NTK-Attention is robust to its hyperparameters", "accuracy against r, k init and learning rate (issue 10)"),
            ]),
    ];

    /// <summary>Every claim, in ledger order (C1, C2, ... C21).</summary>
    public static IReadOnlyList<IClaim> All { get; } =
        [.. Groups.SelectMany(g => g.Claims).OrderBy(c => int.Parse(c.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The claim with an id.</summary>
    /// <param name="id">"C1" .. "C21".</param>
    public static IClaim Get(string id) =>
        All.FirstOrDefault(c => c.Id == id) ?? throw new ArgumentException($"unknown claim '{id}'; known: {string.Join(", ", All.Select(c => c.Id))}", nameof(id));
}
