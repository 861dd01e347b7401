namespace NtkProofs.Experiments.Reports.Ledger;

/// <summary>One row of the claims ledger.</summary>
/// <param name="Id">C1 .. C12.</param>
/// <param name="Claim">The claim, in words.</param>
/// <param name="Verdict">The verdict computed by the row's rule from the measured data.</param>
/// <param name="KeyNumber">The number(s) the verdict rests on.</param>
/// <param name="Rule">The stated rule that turned the numbers into the verdict.</param>
/// <param name="Figures">Figure file stems (without extension) that show the evidence.</param>
/// <param name="Command">The exact command that regenerates the evidence.</param>
public sealed record LedgerRow(string Id, string Claim, Verdict Verdict, string KeyNumber, string Rule, IReadOnlyList<string> Figures, string Command);
