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
                new Lemmas.C1KernelConcentration(),
                new Lemmas.C2LazyTraining(),
                new Lemmas.C3LinearConvergence(),
                new Lemmas.C4Capacity(),
                new Lemmas.C18PrefixLengthScaling(),
                new Lemmas.C21CausalQueries(),
            ]),
        new ClaimGroup(
            "NTK-Attention: identities, the error bound, cost and the trained setting (THEORY.md Part B)",
            "PrefixAttn(X; P) attends from the input's queries over [prefix keys; input keys] (queries from X only, as the paper intends); NTK-Attention replaces the prefix by Z = sum phi(K_P) V_P^T and k = sum phi(K_P).",
            [
                new Attention.C5TheoremB(),
                new Attention.C6PolynomialRate(),
                new Attention.C7Cost(),
                new Attention.C8TrainedSetting(),
                new Width.C13TheoremBInPractice(),
                new Width.C15WidthCost(),
                new Width.C17SmallPrefix(),
                new Attention.C12ReleasedDefects(),
            ]),
        new ClaimGroup(
            "NTK-Attention as a fine-tuning adapter (THEORY.md Part C)",
            "all-MiniLM-L6-v2 rebuilt in TorchSharp, frozen, with one adapter per run and a trained classification head.",
            [
                new FineTuning.C9LowRankZ(),
                new FineTuning.C10NtkCompetitive(),
                new FineTuning.C11ParameterCounts(),
                new Width.C14ParameterParity(),
                new Width.C16InferenceOverhead(),
                new FineTuning.C19LowRankJustified(),
                new FineTuning.C20Robustness(),
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
