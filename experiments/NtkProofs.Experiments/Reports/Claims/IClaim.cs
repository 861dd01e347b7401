namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>
/// One row of the claims ledger as a typed rule: which sweeps it reads, and an evaluation from their typed results to a
/// verdict, its numbers, the rule text and its figures. Adding a claim costs one file (an <see cref="IClaim"/>) and one
/// line in <see cref="ClaimRegistry"/>, plus a test that reaches each verdict on synthetic evidence.
/// </summary>
/// <remarks>
/// Convention for implementations: keep the decision a pure static function from a typed evidence record to a
/// <see cref="ClaimResult"/> (for example <c>public static ClaimResult Decide(C10Evidence e)</c>), so that tests build
/// synthetic evidence and reach supported, not supported, inconclusive (and supported with caveat where the rule has it)
/// without running anything; <see cref="Evaluate"/> only gathers that evidence from <see cref="ClaimInputs"/> and returns
/// <see cref="ClaimResult.NotRun"/> when a sweep it needs did not run. Thresholds live in one criteria class per area.
/// </remarks>
public interface IClaim
{
    /// <summary>Ledger id, "C1" .. "C21".</summary>
    string Id { get; }

    /// <summary>The claim in words (PAPER.md's ledger).</summary>
    string Statement { get; }

    /// <summary>The config names (experiments/configs/&lt;profile&gt;/&lt;name&gt;.json) whose sweeps the claim reads.</summary>
    IReadOnlyList<string> Configs { get; }

    /// <summary>Evaluates the claim from the typed sweep results.</summary>
    /// <param name="inputs">Typed access to the report's sweeps.</param>
    ClaimResult Evaluate(ClaimInputs inputs);
}
