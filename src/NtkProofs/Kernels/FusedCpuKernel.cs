using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NtkProofs.Model;
using NtkProofs.Numerics;

namespace NtkProofs.Kernels;

/// <summary>
/// The fixed- and separate-value empirical kernel on the CPU in float64, fused in cache-sized blocks of prefix rows with
/// 256-bit vectors (FMA): per block, the logits X p_r, their exponentials and the factor G_s are formed in a buffer of a few
/// hundred KiB and folded at once into the Gram matrix, upper triangle only (it is symmetric), by an 8 x 8 register-tiled
/// product. Two passes over the prefix, as <see cref="EmpiricalKernel"/>'s torch path: softmax statistics, then the Gram
/// products. The prefix is split into parts of <see cref="PartRows"/> rows, each with its own accumulators, run on up to
/// <see cref="TorchRuntime.Threads"/> threads and merged in part order: the same bits whatever the thread count. Fixed values
/// that are all +-1 with at most <see cref="SignClassKernel.MaxOutputs"/> outputs take <see cref="SignClassKernel"/>'s single
/// pass instead.
/// </summary>
internal static class FusedCpuKernel
{
    /// <summary>Prefix rows per block.</summary>
    internal const int Block = 256;

    /// <summary>Prefix rows per part (the unit of work of one thread, with its own accumulators).</summary>
    internal const int PartRows = 16 * Block;

    private const int Lanes = 4;
    private const int Tile = 8;

    /// <summary>Whether this machine runs the fused kernel (256-bit vectors with hardware FMA).</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary>
    /// keyGram [(n c) x (n c)] = G_s G_s^T and, on the separate path, weightGram [n x n] = (sqrt(m) S)(sqrt(m) S)^T, as dense
    /// row-major arrays.
    /// </summary>
    /// <param name="x">Inputs, n x d row-major.</param>
    /// <param name="prefix">Prefix P, m x d row-major.</param>
    /// <param name="values">Value matrix, m x c row-major.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="withWeightGram">Whether to form weightGram.</param>
    /// <param name="threads">Threads.</param>
    public static (double[] KeyGram, double[]? WeightGram) Grams(double[] x, double[] prefix, double[] values, int n, int d, int m, int c, bool withWeightGram, int threads) =>
        Grams(x, new DoubleBuffer(prefix), values, n, d, m, c, withWeightGram, threads);

    /// <summary>As the array overload, with the prefix read in place (for example a tensor's storage).</summary>
    /// <param name="x">Inputs, n x d row-major.</param>
    /// <param name="prefix">Prefix P, m x d row-major.</param>
    /// <param name="values">Value matrix, m x c row-major.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="withWeightGram">Whether to form weightGram.</param>
    /// <param name="threads">Threads.</param>
    public static (double[] KeyGram, double[]? WeightGram) Grams(double[] x, DoubleBuffer prefix, double[] values, int n, int d, int m, int c, bool withWeightGram, int threads)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length < (long)m * d)
        {
            throw new ArgumentException($"the prefix holds {prefix.Length} doubles, m x d = {(long)m * d}", nameof(prefix));
        }

        int nPad = RoundUp(n, Tile);
        int rows = n * c, rowsPad = RoundUp(rows, Tile);

        // X^T, d x nPad (zero columns beyond n): the logits of prefix row r are a vector over samples.
        var xt = new double[d * nPad];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++)
            {
                xt[(k * nPad) + i] = x[(i * d) + k];
            }
        }

        // +-1 values (the fixed path's own) and few outputs: one pass by sign classes.
        if (!withWeightGram && SignClassKernel.Applies(values, m, c))
        {
            return (SignClassKernel.KeyGram(xt, prefix, values, n, nPad, d, m, c, threads), null);
        }

        // Parts of PartRows prefix rows, fixed by m alone and merged in order: the bits do not depend on the thread count.
        int parts = Math.Max(1, (m + PartRows - 1) / PartRows);
        var ranges = Enumerable.Range(0, parts).Select(t => (Start: t * PartRows, End: Math.Min(m, (t + 1) * PartRows))).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };

        // Pass 1: per part, the running max, sum and weighted value sums of every sample.
        var stats = new Statistics[parts];
        Parallel.For(0, parts, options, () => new double[Block * nPad], (t, _, logits) =>
        {
            stats[t] = Statistics.Of(xt, prefix, values, nPad, d, c, ranges[t].Start, ranges[t].End, logits);
            return logits;
        }, _ => { });
        var (shift, mean) = Statistics.Merge(stats, n, nPad, c, m);

        // Pass 2: per part, the Gram products of its blocks.
        var keyParts = new double[parts][];
        var weightParts = new double[parts][];
        // Scratch buffers (a block of logits and of the factor, 128 KiB each at n = 64) per worker thread, not per part.
        Parallel.For(0, parts, options, () => (Logits: new double[Block * nPad], Factor: new double[Block * rowsPad]), (t, _, buffers) =>
        {
            (keyParts[t], weightParts[t]) = GramPart(xt, prefix, values, shift, mean, n, nPad, d, c, rowsPad, ranges[t].Start, ranges[t].End, withWeightGram, buffers.Logits, buffers.Factor);
            return buffers;
        }, _ => { });

        var keyGram = Assemble(keyParts, rows, rowsPad);
        var weightGram = withWeightGram ? Assemble(weightParts, n, nPad) : null;
        return (keyGram, weightGram);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Sums the parts' upper triangles in part order and mirrors them into a dense rows x rows matrix.
    private static double[] Assemble(double[][] parts, int rows, int rowsPad)
    {
        var result = new double[rows * rows];
        for (int i = 0; i < rows; i++)
        {
            for (int j = i; j < rows; j++)
            {
                double sum = 0;
                foreach (var part in parts)
                {
                    sum += part[(i * rowsPad) + j];
                }

                result[(i * rows) + j] = sum;
                result[(j * rows) + i] = sum;
            }
        }

        return result;
    }

    // logits[r - start][0..nPad) = X p_r for the rows of one block, 4 prefix rows x 16 samples at a time (16 independent FMA
    // chains), then 4 x 8.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Logits(double[] xt, DoubleBuffer prefix, int nPad, int d, int start, int count, double[] logits)
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(xt);
        ref double pr = ref MemoryMarshal.GetReference(prefix.Span);
        ref double lr = ref MemoryMarshal.GetArrayDataReference(logits);
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            nuint p0 = (nuint)((start + r) * d), p1 = p0 + (nuint)d, p2 = p1 + (nuint)d, p3 = p2 + (nuint)d;
            int i = 0;
            for (; i + (4 * Lanes) <= nPad; i += 4 * Lanes)
            {
                Logits4x16(ref xr, ref pr, ref lr, nPad, d, r, p0, i);
            }

            for (; i < nPad; i += 2 * Lanes)
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                for (int k = 0; k < d; k++)
                {
                    var x0 = Vector256.LoadUnsafe(ref xr, (nuint)((k * nPad) + i));
                    var x1 = Vector256.LoadUnsafe(ref xr, (nuint)((k * nPad) + i + Lanes));
                    var w0 = Vector256.Create(Unsafe.Add(ref pr, p0 + (nuint)k));
                    var w1 = Vector256.Create(Unsafe.Add(ref pr, p1 + (nuint)k));
                    var w2 = Vector256.Create(Unsafe.Add(ref pr, p2 + (nuint)k));
                    var w3 = Vector256.Create(Unsafe.Add(ref pr, p3 + (nuint)k));
                    a0 = Vector256.FusedMultiplyAdd(x0, w0, a0);
                    a1 = Vector256.FusedMultiplyAdd(x0, w1, a1);
                    a2 = Vector256.FusedMultiplyAdd(x0, w2, a2);
                    a3 = Vector256.FusedMultiplyAdd(x0, w3, a3);
                    b0 = Vector256.FusedMultiplyAdd(x1, w0, b0);
                    b1 = Vector256.FusedMultiplyAdd(x1, w1, b1);
                    b2 = Vector256.FusedMultiplyAdd(x1, w2, b2);
                    b3 = Vector256.FusedMultiplyAdd(x1, w3, b3);
                }

                a0.StoreUnsafe(ref lr, (nuint)((r * nPad) + i));
                b0.StoreUnsafe(ref lr, (nuint)((r * nPad) + i + Lanes));
                a1.StoreUnsafe(ref lr, (nuint)(((r + 1) * nPad) + i));
                b1.StoreUnsafe(ref lr, (nuint)(((r + 1) * nPad) + i + Lanes));
                a2.StoreUnsafe(ref lr, (nuint)(((r + 2) * nPad) + i));
                b2.StoreUnsafe(ref lr, (nuint)(((r + 2) * nPad) + i + Lanes));
                a3.StoreUnsafe(ref lr, (nuint)(((r + 3) * nPad) + i));
                b3.StoreUnsafe(ref lr, (nuint)(((r + 3) * nPad) + i + Lanes));
            }
        }

        for (; r < count; r++)
        {
            nuint p0 = (nuint)((start + r) * d);
            for (int i = 0; i < nPad; i += Lanes)
            {
                Vector256<double> a0 = default;
                for (int k = 0; k < d; k++)
                {
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)((k * nPad) + i)), Vector256.Create(Unsafe.Add(ref pr, p0 + (nuint)k)), a0);
                }

                a0.StoreUnsafe(ref lr, (nuint)((r * nPad) + i));
            }
        }
    }

    // logits of 4 prefix rows (p0 .. p0 + 3d) at 16 samples from i: 16 independent FMA chains, each broadcast used 4 times.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Logits4x16(ref double xr, ref double pr, ref double lr, int nPad, int d, int r, nuint p0, int i)
    {
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        Vector256<double> e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
        nuint p1 = p0 + (nuint)d, p2 = p1 + (nuint)d, p3 = p2 + (nuint)d;
        for (int k = 0; k < d; k++)
        {
            nuint at = (nuint)((k * nPad) + i);
            var x0 = Vector256.LoadUnsafe(ref xr, at);
            var x1 = Vector256.LoadUnsafe(ref xr, at + Lanes);
            var x2 = Vector256.LoadUnsafe(ref xr, at + (2 * Lanes));
            var x3 = Vector256.LoadUnsafe(ref xr, at + (3 * Lanes));
            var w = Vector256.Create(Unsafe.Add(ref pr, p0 + (nuint)k));
            a0 = Vector256.FusedMultiplyAdd(x0, w, a0);
            b0 = Vector256.FusedMultiplyAdd(x1, w, b0);
            e0 = Vector256.FusedMultiplyAdd(x2, w, e0);
            f0 = Vector256.FusedMultiplyAdd(x3, w, f0);
            w = Vector256.Create(Unsafe.Add(ref pr, p1 + (nuint)k));
            a1 = Vector256.FusedMultiplyAdd(x0, w, a1);
            b1 = Vector256.FusedMultiplyAdd(x1, w, b1);
            e1 = Vector256.FusedMultiplyAdd(x2, w, e1);
            f1 = Vector256.FusedMultiplyAdd(x3, w, f1);
            w = Vector256.Create(Unsafe.Add(ref pr, p2 + (nuint)k));
            a2 = Vector256.FusedMultiplyAdd(x0, w, a2);
            b2 = Vector256.FusedMultiplyAdd(x1, w, b2);
            e2 = Vector256.FusedMultiplyAdd(x2, w, e2);
            f2 = Vector256.FusedMultiplyAdd(x3, w, f2);
            w = Vector256.Create(Unsafe.Add(ref pr, p3 + (nuint)k));
            a3 = Vector256.FusedMultiplyAdd(x0, w, a3);
            b3 = Vector256.FusedMultiplyAdd(x1, w, b3);
            e3 = Vector256.FusedMultiplyAdd(x2, w, e3);
            f3 = Vector256.FusedMultiplyAdd(x3, w, f3);
        }

        nuint o0 = (nuint)((r * nPad) + i), o1 = o0 + (nuint)nPad, o2 = o1 + (nuint)nPad, o3 = o2 + (nuint)nPad;
        a0.StoreUnsafe(ref lr, o0);
        b0.StoreUnsafe(ref lr, o0 + Lanes);
        e0.StoreUnsafe(ref lr, o0 + (2 * Lanes));
        f0.StoreUnsafe(ref lr, o0 + (3 * Lanes));
        a1.StoreUnsafe(ref lr, o1);
        b1.StoreUnsafe(ref lr, o1 + Lanes);
        e1.StoreUnsafe(ref lr, o1 + (2 * Lanes));
        f1.StoreUnsafe(ref lr, o1 + (3 * Lanes));
        a2.StoreUnsafe(ref lr, o2);
        b2.StoreUnsafe(ref lr, o2 + Lanes);
        e2.StoreUnsafe(ref lr, o2 + (2 * Lanes));
        f2.StoreUnsafe(ref lr, o2 + (3 * Lanes));
        a3.StoreUnsafe(ref lr, o3);
        b3.StoreUnsafe(ref lr, o3 + Lanes);
        e3.StoreUnsafe(ref lr, o3 + (2 * Lanes));
        f3.StoreUnsafe(ref lr, o3 + (3 * Lanes));
    }

    // One part of pass 2: for each block, factor[r][(i, l)] = sqrt(m) S_ir (value_rl - mu_il) and weights[r][i] = sqrt(m) S_ir,
    // folded into the upper triangles of keyGram (rowsPad^2) and weightGram (nPad^2).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double[] KeyGram, double[] WeightGram) GramPart(double[] xt, DoubleBuffer prefix, double[] values, double[] shift, double[] mean, int n, int nPad, int d, int c, int rowsPad, int start, int end, bool withWeightGram, double[] logits, double[] factor)
    {
        var keyGram = new double[rowsPad * rowsPad];
        var weightGram = withWeightGram ? new double[nPad * nPad] : [];
        ref double lr = ref MemoryMarshal.GetArrayDataReference(logits);
        ref double sr = ref MemoryMarshal.GetArrayDataReference(shift);
        for (int blockStart = start; blockStart < end; blockStart += Block)
        {
            int count = Math.Min(Block, end - blockStart);
            Logits(xt, prefix, nPad, d, blockStart, count, logits);
            for (int r = 0; r < count; r++)
            {
                // weights = exp(logit - shift) = sqrt(m) S (padding samples have shift +inf: weight 0).
                for (int i = 0; i < nPad; i += Lanes)
                {
                    var e = VectorExp.Exp(Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)) - Vector256.LoadUnsafe(ref sr, (nuint)i));
                    e.StoreUnsafe(ref lr, (nuint)((r * nPad) + i));
                }

                int row = blockStart + r;
                if (c == 1)
                {
                    var a = Vector256.Create(values[row]);
                    ref double mr = ref MemoryMarshal.GetArrayDataReference(mean);
                    ref double fr = ref MemoryMarshal.GetArrayDataReference(factor);
                    for (int i = 0; i < nPad; i += Lanes)
                    {
                        (Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)) * (a - Vector256.LoadUnsafe(ref mr, (nuint)i))).StoreUnsafe(ref fr, (nuint)((r * rowsPad) + i));
                    }
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        double s = logits[(r * nPad) + i];
                        for (int l = 0; l < c; l++)
                        {
                            factor[(r * rowsPad) + (i * c) + l] = s * (values[(row * c) + l] - mean[(i * c) + l]);
                        }
                    }
                }
            }

            UpperGram(factor, rowsPad, count, keyGram);
            if (withWeightGram)
            {
                UpperGram(logits, nPad, count, weightGram);
            }
        }

        return (keyGram, weightGram);
    }

    // gram[i][j] += sum_r a[r][i] a[r][j] for the 8 x 8 tiles on or above the diagonal; a is count x width, row-major.
    private static void UpperGram(double[] a, int width, int count, double[] gram) => UpperGram(a, 0, width, count, gram, 0);

    /// <summary>
    /// gram[i][j] += sum_r a[r][i] a[r][j] for the 8 x 8 tiles on or above the diagonal; a is count x width, row-major, from
    /// aOffset; gram is width x width from gramOffset; width is a multiple of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpperGram(double[] a, int aOffset, int width, int count, double[] gram, int gramOffset)
    {
        ref double ar = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), aOffset);
        ref double gr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(gram), gramOffset);
        for (int i0 = 0; i0 < width; i0 += Tile)
        {
            for (int j0 = i0; j0 < width; j0 += Tile)
            {
                Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
                Vector256<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
                for (int r = 0; r < count; r++)
                {
                    nuint rowOffset = (nuint)(r * width);
                    var b0 = Vector256.LoadUnsafe(ref ar, rowOffset + (nuint)j0);
                    var b1 = Vector256.LoadUnsafe(ref ar, rowOffset + (nuint)j0 + Lanes);
                    ref double ai = ref Unsafe.Add(ref ar, rowOffset + (nuint)i0);
                    var a0 = Vector256.Create(ai);
                    c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
                    c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
                    var a1 = Vector256.Create(Unsafe.Add(ref ai, 1));
                    c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
                    c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                    var a2 = Vector256.Create(Unsafe.Add(ref ai, 2));
                    c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
                    c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
                    var a3 = Vector256.Create(Unsafe.Add(ref ai, 3));
                    c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
                    c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
                    var a4 = Vector256.Create(Unsafe.Add(ref ai, 4));
                    c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
                    c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
                    var a5 = Vector256.Create(Unsafe.Add(ref ai, 5));
                    c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
                    c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
                    var a6 = Vector256.Create(Unsafe.Add(ref ai, 6));
                    c60 = Vector256.FusedMultiplyAdd(a6, b0, c60);
                    c61 = Vector256.FusedMultiplyAdd(a6, b1, c61);
                    var a7 = Vector256.Create(Unsafe.Add(ref ai, 7));
                    c70 = Vector256.FusedMultiplyAdd(a7, b0, c70);
                    c71 = Vector256.FusedMultiplyAdd(a7, b1, c71);
                }

                Add(ref gr, (nuint)((i0 * width) + j0), width, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
            }
        }
    }

    private static void Add(ref double gram, nuint offset, int width, params ReadOnlySpan<Vector256<double>> tile)
    {
        for (int u = 0; u < Tile; u++)
        {
            nuint at = offset + (nuint)(u * width);
            (Vector256.LoadUnsafe(ref gram, at) + tile[2 * u]).StoreUnsafe(ref gram, at);
            (Vector256.LoadUnsafe(ref gram, at + Lanes) + tile[(2 * u) + 1]).StoreUnsafe(ref gram, at + Lanes);
        }
    }

    /// <summary>Pass-1 statistics of one part: per sample the running max, the sum of exp(logit - max) and the weighted value sums.</summary>
    private sealed class Statistics
    {
        private Statistics(double[] max, double[] sum, double[] weighted)
        {
            Max = max;
            Sum = sum;
            Weighted = weighted;
        }

        public double[] Max { get; }

        public double[] Sum { get; }

        // weighted[l][i] (c x nPad).
        public double[] Weighted { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Statistics Of(double[] xt, DoubleBuffer prefix, double[] values, int nPad, int d, int c, int start, int end, double[] logits)
        {
            var max = Enumerable.Repeat(double.NegativeInfinity, nPad).ToArray();
            var sum = new double[nPad];
            var weighted = new double[c * nPad];
            ref double lr = ref MemoryMarshal.GetArrayDataReference(logits);
            ref double mr = ref MemoryMarshal.GetArrayDataReference(max);
            ref double sr = ref MemoryMarshal.GetArrayDataReference(sum);
            ref double wr = ref MemoryMarshal.GetArrayDataReference(weighted);
            for (int blockStart = start; blockStart < end; blockStart += Block)
            {
                int count = Math.Min(Block, end - blockStart);
                Logits(xt, prefix, nPad, d, blockStart, count, logits);
                for (int i = 0; i < nPad; i += Lanes)
                {
                    var blockMax = Vector256.LoadUnsafe(ref mr, (nuint)i);
                    for (int r = 0; r < count; r++)
                    {
                        blockMax = Vector256.Max(blockMax, Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)));
                    }

                    var oldMax = Vector256.LoadUnsafe(ref mr, (nuint)i);
                    var rescale = VectorExp.Exp(oldMax - blockMax);   // exp(-inf) = 0 before the first block
                    var s = Vector256.LoadUnsafe(ref sr, (nuint)i) * rescale;
                    for (int l = 0; l < c; l++)
                    {
                        (Vector256.LoadUnsafe(ref wr, (nuint)((l * nPad) + i)) * rescale).StoreUnsafe(ref wr, (nuint)((l * nPad) + i));
                    }

                    if (c == 1)
                    {
                        // One output: the weighted sum stays in a register.
                        var w = Vector256.LoadUnsafe(ref wr, (nuint)i);
                        ref double vr = ref MemoryMarshal.GetArrayDataReference(values);
                        for (int r = 0; r < count; r++)
                        {
                            var e = VectorExp.Exp(Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)) - blockMax);
                            s += e;
                            w = Vector256.FusedMultiplyAdd(e, Vector256.Create(Unsafe.Add(ref vr, (nuint)(blockStart + r))), w);
                        }

                        w.StoreUnsafe(ref wr, (nuint)i);
                    }
                    else
                    {
                        for (int r = 0; r < count; r++)
                        {
                            var e = VectorExp.Exp(Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)) - blockMax);
                            s += e;
                            int row = blockStart + r;
                            for (int l = 0; l < c; l++)
                            {
                                var w = Vector256.LoadUnsafe(ref wr, (nuint)((l * nPad) + i));
                                Vector256.FusedMultiplyAdd(e, Vector256.Create(values[(row * c) + l]), w).StoreUnsafe(ref wr, (nuint)((l * nPad) + i));
                            }
                        }
                    }

                    s.StoreUnsafe(ref sr, (nuint)i);
                    blockMax.StoreUnsafe(ref mr, (nuint)i);
                }
            }

            return new Statistics(max, sum, weighted);
        }

        // The parts merged in order: shift_i = log-normalizer - log(m) / 2 (so exp(logit - shift) = sqrt(m) S), +inf for the
        // padding samples; mean[(i, l)] = mu_il.
        public static (double[] Shift, double[] Mean) Merge(Statistics[] parts, int n, int nPad, int c, int m)
        {
            var shift = Enumerable.Repeat(double.PositiveInfinity, nPad).ToArray();
            var mean = new double[Math.Max(nPad, n * c)];
            for (int i = 0; i < n; i++)
            {
                double max = parts.Max(p => p.Max[i]);
                double sum = 0;
                var weighted = new double[c];
                foreach (var p in parts)
                {
                    double scale = Math.Exp(p.Max[i] - max);
                    sum += p.Sum[i] * scale;
                    for (int l = 0; l < c; l++)
                    {
                        weighted[l] += p.Weighted[(l * nPad) + i] * scale;
                    }
                }

                shift[i] = max + Math.Log(sum) - (0.5 * Math.Log(m));
                for (int l = 0; l < c; l++)
                {
                    mean[(i * c) + l] = weighted[l] / sum;
                }
            }

            return (shift, mean);
        }
    }
}
