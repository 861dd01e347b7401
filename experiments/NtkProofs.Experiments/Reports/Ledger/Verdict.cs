namespace NtkProofs.Experiments.Reports.Ledger;

/// <summary>The verdicts of the claims ledger (PAPER.md).</summary>
public enum Verdict
{
    /// <summary>The measured data support the claim.</summary>
    Supported,

    /// <summary>The data support the claim only under a stated restriction.</summary>
    SupportedWithCaveat,

    /// <summary>The data contradict the claim.</summary>
    NotSupported,

    /// <summary>The data cannot decide (experiment not run, or too noisy); the row says what is missing.</summary>
    Inconclusive,
}

/// <summary>Display names of <see cref="Verdict"/>.</summary>
public static class VerdictText
{
    /// <summary>"supported", "supported with caveat", "not supported", "inconclusive".</summary>
    /// <param name="verdict">The verdict.</param>
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Supported => "supported",
        Verdict.SupportedWithCaveat => "supported with caveat",
        Verdict.NotSupported => "not supported",
        _ => "inconclusive",
    };
}
