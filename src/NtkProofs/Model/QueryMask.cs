namespace NtkProofs.Model;

/// <summary>
/// Which input tokens a query token of the L &gt; 1 model (<see cref="CausalPrefixModel"/>, THEORY.md A.2) attends over,
/// besides the m prefix rows.
/// </summary>
public enum QueryMask
{
    /// <summary>No input tokens: every query attends over the prefix only, which is exactly Part A's model on the n L queries.</summary>
    None,

    /// <summary>Causal: token t of a sample attends over its tokens 1..t (itself included).</summary>
    Causal,

    /// <summary>Non-causal: every token of a sample attends over all L tokens of that sample.</summary>
    Full,
}
