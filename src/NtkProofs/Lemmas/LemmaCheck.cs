namespace NtkProofs.Lemmas;

/// <summary>The outcome of one lemma check: what was measured, against which criterion, and whether it held.</summary>
/// <param name="Lemma">L1a, L1b, L1c, L1d, L2, L3, ...</param>
/// <param name="Setting">The setting label (value path, sizes, sigma, scale).</param>
/// <param name="Statement">What is checked, in words.</param>
/// <param name="Measured">The measured value(s), formatted.</param>
/// <param name="Criterion">The pass criterion, formatted.</param>
/// <param name="Verdict">Holds, Fails, or Recorded (a finding without a pass/fail criterion).</param>
public sealed record LemmaCheck(string Lemma, string Setting, string Statement, string Measured, string Criterion, LemmaVerdict Verdict);

/// <summary>The verdict of a <see cref="LemmaCheck"/>.</summary>
public enum LemmaVerdict
{
    /// <summary>The criterion held.</summary>
    Holds,

    /// <summary>The criterion failed.</summary>
    Fails,

    /// <summary>Measured and recorded; the spec predicts no pass/fail outcome (e.g. TiedValue drift).</summary>
    Recorded,
}
