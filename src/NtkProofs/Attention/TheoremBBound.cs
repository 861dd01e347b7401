namespace NtkProofs.Attention;

/// <summary>The error bound of Theorem B (THEORY.md Part B) at one (beta, g, max |v|).</summary>
/// <param name="Beta">beta = max |&lt;q_i, kappa_r&gt;| / sqrt d over queries and prefix keys.</param>
/// <param name="Degree">g, the Taylor degree.</param>
/// <param name="EpsG">eps_g(beta) = beta^(g+1) e^beta / (g+1)!.</param>
/// <param name="ValueMax">max_j ||v_j||_inf over prefix and input values.</param>
/// <param name="Bound">2 eps_g / (1 - eps_g) max |v| when claimed; +inf otherwise.</param>
/// <param name="Claimed">Whether the theorem's hypothesis holds (g even and eps_g &lt; 1), so that the bound is asserted.</param>
public readonly record struct TheoremBBound(double Beta, int Degree, double EpsG, double ValueMax, double Bound, bool Claimed)
{
    /// <summary>measured / bound, the tightness of the bound (NaN when the bound is not claimed).</summary>
    /// <param name="measured">The measured ||NTK-Attn - PrefixAttn||_inf.</param>
    public double Tightness(double measured) => Claimed && Bound > 0 ? measured / Bound : double.NaN;
}
