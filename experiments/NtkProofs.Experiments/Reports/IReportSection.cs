using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports;

/// <summary>One section of the report: reads sweep results, writes figures and data, returns Markdown and ledger rows.</summary>
public interface IReportSection
{
    /// <summary>Section heading.</summary>
    string Title { get; }

    /// <summary>The ledger rows this section owns (ids), so missing experiments still get a row.</summary>
    IReadOnlyList<string> Claims { get; }

    /// <summary>Builds the section. Rows for owned claims whose data are missing must say so (inconclusive, not run).</summary>
    /// <param name="context">Report-wide inputs and output folders.</param>
    SectionOutput Build(ReportContext context);
}

/// <summary>What a section produced.</summary>
/// <param name="Markdown">The section body (without its heading).</param>
/// <param name="Ledger">Its ledger rows.</param>
public sealed record SectionOutput(string Markdown, IReadOnlyList<LedgerRow> Ledger);
