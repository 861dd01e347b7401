namespace NtkProofs.Model;

/// <summary>
/// How the stylized prefix model produces its values (THEORY.md Part A). One model type covers all three.
/// </summary>
public enum ValuePath
{
    /// <summary>Fixed random signs a_r in {-1,+1}^c; only the prefix P (the keys) trains.</summary>
    FixedValue,

    /// <summary>Separate trainable values V in R^{m x c} next to the prefix keys (P-Tuning v2 style).</summary>
    SeparateValue,

    /// <summary>The prefix row is both key and value: F(x) = alpha sum_r S_r p_r, so c = d.</summary>
    TiedValue,
}
