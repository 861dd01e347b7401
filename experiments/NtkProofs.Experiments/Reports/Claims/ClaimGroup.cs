namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>A report section: an ordered group of claims with a short introduction.</summary>
/// <param name="Title">Section heading.</param>
/// <param name="Introduction">Markdown shown under the heading, before the claims.</param>
/// <param name="Claims">The claims, in order.</param>
public sealed record ClaimGroup(string Title, string Introduction, IReadOnlyList<IClaim> Claims);
