using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NtkProofs.Kernels;

/// <summary>
/// exp of four doubles from additions, multiplications and fused multiply-adds only, so that every JIT tier gives the same
/// bits (the library's <c>Vector256.Exp</c> gives different last bits before and after tiered re-compilation, which made two
/// runs of the same sweep differ). exp(x) = 2^k exp(r) with k = round(x / ln 2), r = x - k ln 2 (Cody-Waite split),
/// exp(r) by its degree-13 Taylor polynomial (|r| &lt;= ln 2 / 2: truncation below 1e-17 relative). Results below 2^-1022
/// (x &lt; -708.39, including -inf) are 0; the inputs here never exceed a few hundred.
/// </summary>
internal static class VectorExp
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 0.693147180369123816490;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double RoundingShift = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer held in the low bits
    private const double Smallest = -708.39;

    /// <summary>exp, lane by lane.</summary>
    /// <param name="x">Arguments.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(Smallest));
        x = Vector256.Max(x, Vector256.Create(Smallest));
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingShift));
        var k = shifted - Vector256.Create(RoundingShift);
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Lo), r);
        var p = Vector256.Create(1.0 / 6227020800.0);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 479001600.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));

        // 2^k from the integer in the low bits of shifted: (k + 1023) << 52.
        var exponent = (shifted.AsInt64() - Vector256.Create(RoundingShift).AsInt64() + Vector256.Create(1023L)) << 52;
        return Vector256.ConditionalSelect(underflow, Vector256<double>.Zero, p * exponent.AsDouble());
    }
}
