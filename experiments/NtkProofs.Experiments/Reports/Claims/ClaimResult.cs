using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>A figure a claim shows in its own section.</summary>
/// <param name="Spec">The figure.</param>
/// <param name="Caption">What it shows (after its title).</param>
public sealed record ClaimFigure(FigureSpec Spec, string Caption);

/// <summary>What a claim's rule concluded from the evidence.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Headline">One headline number (or short phrase) for the ledger table, e.g. "diff -1.7 pts [-3.1, -0.2]".</param>
/// <param name="Numbers">Every key number the verdict rests on, one per entry, shown in the claim's own section.</param>
/// <param name="Rule">The rule, in words, that turned the numbers into the verdict (every verdict it can return).</param>
/// <param name="Decider">For an inconclusive verdict: what would decide (for example "needs >= 5 seeds: projected 95% CI half-width 1.1 points").</param>
/// <param name="Against">Point estimates that go against the claim, said in the row whatever the verdict.</param>
/// <param name="Figures">Figures of the claim's section.</param>
/// <param name="Details">Extra Markdown for the claim's section (tables), or null.</param>
/// <param name="Commands">The exact commands that regenerate the evidence.</param>
public sealed record ClaimResult(
    Verdict Verdict,
    string Headline,
    IReadOnlyList<string> Numbers,
    string Rule,
    string? Decider = null,
    IReadOnlyList<string>? Against = null,
    IReadOnlyList<ClaimFigure>? Figures = null,
    string? Details = null,
    IReadOnlyList<string>? Commands = null)
{
    /// <summary>The result for a claim whose experiment did not run in this profile.</summary>
    /// <param name="rule">The claim's rule text (still shown).</param>
    /// <param name="missing">What did not run and how to run it.</param>
    public static ClaimResult NotRun(string rule, string missing) =>
        new(Verdict.Inconclusive, "experiment not run", [], rule, missing);

    /// <summary>Figures, never null.</summary>
    public IReadOnlyList<ClaimFigure> FigureList => Figures ?? [];

    /// <summary>Points against the claim, never null.</summary>
    public IReadOnlyList<string> AgainstList => Against ?? [];

    /// <summary>Regenerating commands, never null.</summary>
    public IReadOnlyList<string> CommandList => Commands ?? [];
}
