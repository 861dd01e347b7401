namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>
/// A ledger row whose experiment is not built yet: always "inconclusive: experiment not run", with what would decide it.
/// Replaced by the claim's own rule file when its experiment lands.
/// </summary>
/// <param name="Id">Ledger id.</param>
/// <param name="Statement">The claim.</param>
/// <param name="Missing">Which experiment is missing (and which issue builds it).</param>
public sealed record PendingClaim(string Id, string Statement, string Missing) : IClaim
{
    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [];

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs) => ClaimResult.NotRun("no rule yet: the experiment that measures this claim is not built", Missing);
}
