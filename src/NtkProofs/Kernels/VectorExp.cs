using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NtkProofs.Kernels;

/// <summary>
/// exp of four doubles from additions, multiplications and fused multiply-adds only, so that every JIT tier gives the same
/// bits (the library's <c>Vector256.Exp</c> gives different last bits before and after tiered re-compilation, which made two
/// runs of the same sweep differ). exp(x) = 2^k exp(r) with k = round(x / ln 2), r = x - k ln 2 (Cody-Waite split),
/// exp(r) by a degree-11 polynomial fitted at Chebyshev nodes on |r| &lt;= ln 2 / 2 (mpmath chebyfit at 50 digits; with the
/// coefficients rounded to double, 1.7e-17 relative at most, a sixth of an ulp; the degree-13 Taylor polynomial it replaced
/// reached 4e-18 with two FMAs more). Results below 2^-1022 (x &lt; -708.39, including -inf) are 0; the inputs here never
/// exceed a few hundred.
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
        var p = Vector256.Create(2.5110037605963777e-08);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(2.763263963904103e-07));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(2.755724091857897e-06));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(2.4801485482328494e-05));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.00019841269890047113));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.0013888888952314775));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.008333333333319601));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.0416666666664881));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.1666666666666668));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5000000000000019));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0));

        // 2^k from the integer in the low bits of shifted: (k + 1023) << 52.
        var exponent = (shifted.AsInt64() - Vector256.Create(RoundingShift).AsInt64() + Vector256.Create(1023L)) << 52;
        return Vector256.ConditionalSelect(underflow, Vector256<double>.Zero, p * exponent.AsDouble());
    }
}
