namespace NtkProofs.Model;

/// <summary>How the prefix model is initialized.</summary>
public enum PrefixInit
{
    /// <summary>Rows p_r ~ N(0, sigma^2 I) i.i.d.; signs or values i.i.d. (F(0) is O(1) and random).</summary>
    Random,

    /// <summary>
    /// Antisymmetric pairs: the second half of the rows repeats the first half's keys with negated values, so that
    /// F(0) = 0 exactly. Needs an even m and is defined for the fixed and separate value paths only.
    /// </summary>
    Symmetric,
}
