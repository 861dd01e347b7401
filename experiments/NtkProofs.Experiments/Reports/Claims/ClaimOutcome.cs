namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>One evaluated ledger row: the claim and what its rule concluded.</summary>
/// <param name="Id">Ledger id, "C1" .. "C21".</param>
/// <param name="Statement">The claim in words.</param>
/// <param name="Group">The title of the report section the claim belongs to.</param>
/// <param name="Result">The rule's result.</param>
public sealed record ClaimOutcome(string Id, string Statement, string Group, ClaimResult Result)
{
    /// <summary>The HTML anchor of the claim's own subsection ("c5").</summary>
    public string Anchor => Id.ToLowerInvariant();

    /// <summary>Where the row's data came from when the report did not run it (one sentence per committed-evidence config; <see cref="ReportContext.Provenance"/>).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}
