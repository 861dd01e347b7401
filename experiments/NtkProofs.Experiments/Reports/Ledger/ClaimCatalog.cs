namespace NtkProofs.Experiments.Reports.Ledger;

/// <summary>The twelve claims of PAPER.md's ledger, in order. Every report carries a row for each.</summary>
public static class ClaimCatalog
{
    /// <summary>Claim id to claim text.</summary>
    public static IReadOnlyList<(string Id, string Claim)> All { get; } =
    [
        ("C1", "kernel PD at init; empirical kernel concentrates on H* as m grows"),
        ("C2", "kernel stays close during training (lazy)"),
        ("C3", "loss decays linearly to arbitrarily small values for m large enough"),
        ("C4", "longer prefix, stronger learning: final training loss / steps to eps versus m"),
        ("C5", "NTK-Attention with phi = Taylor(g) approximates prefix attention; error bound of Theorem B"),
        ("C6", "error is 1/poly(m)"),
        ("C7", "NTK-Attention cost is independent of m; memory O(r d + r)"),
        ("C8", "trained Z, k approximate a long prefix (Section 4.4 done correctly)"),
        ("C9", "low-rank Z loses little versus full Z"),
        ("C10", "NTK-Attention is competitive with LoRA / P-Tuning v2 / full FT at equal parameters"),
        ("C11", "parameter counts as reported"),
        ("C12", "released-code defects (double-counted prefix, frozen k, eval dropout, fp32 overflow)"),
    ];

    /// <summary>The claim text of an id.</summary>
    /// <param name="id">C1 .. C12.</param>
    public static string Text(string id) => All.First(c => c.Id == id).Claim;

    /// <summary>A row for a claim whose experiment has not run in this profile.</summary>
    /// <param name="id">Claim id.</param>
    /// <param name="missing">What did not run, and how to run it.</param>
    public static LedgerRow NotRun(string id, string missing) =>
        new(id, Text(id), Verdict.Inconclusive, "experiment not run", missing, [], "n/a");
}
