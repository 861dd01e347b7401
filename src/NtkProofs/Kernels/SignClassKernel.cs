using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NtkProofs.Kernels;

/// <summary>
/// The fixed-value key Gram in one pass over the prefix, for values that are all exactly +-1 (the fixed path's
/// initialization) and at most <see cref="MaxOutputs"/> outputs. Prefix rows with the same sign vector sigma_k form a class;
/// with E_ir = exp(x_i . p_r - shift_i), Z_ki = sum over the rows r of class k of E_ir and Z_i = sum_k Z_ki,
/// <code>
///   K[(i, l), (j, l')] = m sum_r S_ir S_jr (v_rl - mu_il)(v_rl' - mu_jl') = m sum_k w_kil w_kjl' A_kij,
///   A_k = E_k E_k^T (the rows of class k),  w_kil = (sigma_kl - mu_il) / Z_i = 2 sigma_kl Z_i(other sign of l) / Z_i^2,
/// </code>
/// where Z_i(other sign of l) sums the Z_k'i whose sign at l differs from sigma_kl: no subtraction, so no cancellation. The
/// softmax statistics come out of the same pass as the Gram products (the two-pass kernel computes every logit and
/// exponential twice), and the Gram has n rows per class instead of n c. Each part keeps its own shift (the first block's
/// max, raised when a later block exceeds it by more than <see cref="RescaleMargin"/>, its sums rescaled), and the parts are
/// merged in order: the same bits whatever the thread count.
/// </summary>
internal static class SignClassKernel
{
    /// <summary>The most outputs (2^c classes) this kernel takes; beyond it the two-pass kernel is cheaper.</summary>
    internal const int MaxOutputs = 3;

    // exp(logit - shift) <= e^64 while a part's shift stays: products e^128, far from overflow.
    private const double RescaleMargin = 64;
    private const int Lanes = 4;

    /// <summary>Whether the values (m x c, row-major; the array may be longer) are all exactly +-1 and c is small enough.</summary>
    /// <param name="values">Value matrix.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="c">Output dimension.</param>
    public static bool Applies(double[] values, int m, int c)
    {
        if (c < 1 || c > MaxOutputs)
        {
            return false;
        }

        for (int t = 0; t < m * c; t++)
        {
            if (values[t] != 1.0 && values[t] != -1.0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>keyGram [(n c) x (n c)] = G_s G_s^T as a dense row-major array, for +-1 values (<see cref="Applies"/>).</summary>
    /// <param name="xt">X^T, d x nPad (zero columns beyond n).</param>
    /// <param name="prefix">Prefix P, m x d row-major.</param>
    /// <param name="values">Value matrix, m x c row-major, entries +-1.</param>
    /// <param name="n">Samples.</param>
    /// <param name="nPad">n rounded up to the tile.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="threads">Threads.</param>
    public static double[] KeyGram(double[] xt, DoubleBuffer prefix, double[] values, int n, int nPad, int d, int m, int c, int threads)
    {
        int classes = 1 << c;
        var rowClass = new byte[m];
        for (int r = 0; r < m; r++)
        {
            int k = 0;
            for (int l = 0; l < c; l++)
            {
                k |= values[(r * c) + l] > 0 ? 1 << l : 0;
            }

            rowClass[r] = (byte)k;
        }

        int partRows = FusedCpuKernel.PartRows;
        int parts = Math.Max(1, (m + partRows - 1) / partRows);
        var results = new Part[parts];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        int block = FusedCpuKernel.Block;
        Parallel.For(0, parts, options, () => (Logits: new double[block * nPad], Buffers: new double[classes * block * nPad]), (t, _, scratch) =>
        {
            results[t] = Part.Of(xt, prefix, rowClass, nPad, d, classes, t * partRows, Math.Min(m, (t + 1) * partRows), scratch.Logits, scratch.Buffers);
            return scratch;
        }, _ => { });
        return Assemble(results, n, nPad, m, c, classes);
    }

    // Merges the parts in order (each scaled to the common shift S_i = max over parts) and forms the dense key Gram.
    private static double[] Assemble(Part[] parts, int n, int nPad, int m, int c, int classes)
    {
        var shift = new double[n];
        for (int i = 0; i < n; i++)
        {
            shift[i] = parts.Max(p => p.Shift[i]);
        }

        var classSums = new double[classes * n];
        var gram = new double[classes * n * n];   // upper triangle (j >= i) of each class
        var scale = new double[n];
        foreach (var p in parts)
        {
            for (int i = 0; i < n; i++)
            {
                scale[i] = Math.Exp(p.Shift[i] - shift[i]);
            }

            for (int k = 0; k < classes; k++)
            {
                int at = k * nPad * nPad;
                for (int i = 0; i < n; i++)
                {
                    classSums[(k * n) + i] += p.Sums[(k * nPad) + i] * scale[i];
                    for (int j = i; j < n; j++)
                    {
                        gram[(k * n * n) + (i * n) + j] += p.Grams[at + (i * nPad) + j] * scale[i] * scale[j];
                    }
                }
            }
        }

        // w[(k, i, l)] = (sigma_kl - mu_il) / Z_i from sums of like terms only.
        var w = new double[classes * n * c];
        for (int i = 0; i < n; i++)
        {
            double total = 0;
            for (int k = 0; k < classes; k++)
            {
                total += classSums[(k * n) + i];
            }

            for (int l = 0; l < c; l++)
            {
                double positive = 0, negative = 0;
                for (int k = 0; k < classes; k++)
                {
                    if ((k >> l & 1) == 1)
                    {
                        positive += classSums[(k * n) + i];
                    }
                    else
                    {
                        negative += classSums[(k * n) + i];
                    }
                }

                for (int k = 0; k < classes; k++)
                {
                    w[(((k * n) + i) * c) + l] = (k >> l & 1) == 1 ? 2 * negative / (total * total) : -2 * positive / (total * total);
                }
            }
        }

        int rows = n * c;
        var result = new double[rows * rows];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                for (int l = 0; l < c; l++)
                {
                    for (int l2 = 0; l2 < c; l2++)
                    {
                        double sum = 0;
                        for (int k = 0; k < classes; k++)
                        {
                            sum += w[(((k * n) + i) * c) + l] * w[(((k * n) + j) * c) + l2] * gram[(k * n * n) + (i * n) + j];
                        }

                        sum *= m;
                        result[(((i * c) + l) * rows) + (j * c) + l2] = sum;
                        result[(((j * c) + l2) * rows) + (i * c) + l] = sum;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>One part's accumulators: per sample its shift, per class the sums of E and the upper-triangle Gram of E.</summary>
    private sealed class Part
    {
        private Part(double[] shift, double[] sums, double[] grams)
        {
            Shift = shift;
            Sums = sums;
            Grams = grams;
        }

        // shift[i] (nPad).
        public double[] Shift { get; }

        // sums[k][i] (classes x nPad).
        public double[] Sums { get; }

        // grams[k][i][j] (classes x nPad x nPad, tiles on or above the diagonal).
        public double[] Grams { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Part Of(double[] xt, DoubleBuffer prefix, byte[] rowClass, int nPad, int d, int classes, int start, int end, double[] logits, double[] buffers)
        {
            int block = FusedCpuKernel.Block;
            var shift = new double[nPad];
            var sums = new double[classes * nPad];
            var grams = new double[classes * nPad * nPad];
            var counts = new int[classes];
            var blockMax = new double[nPad];
            ref double lr = ref MemoryMarshal.GetArrayDataReference(logits);
            ref double br = ref MemoryMarshal.GetArrayDataReference(buffers);
            ref double hr = ref MemoryMarshal.GetArrayDataReference(shift);
            ref double mr = ref MemoryMarshal.GetArrayDataReference(blockMax);

            for (int blockStart = start; blockStart < end; blockStart += block)
            {
                int count = Math.Min(block, end - blockStart);
                FusedCpuKernel.Logits(xt, prefix, nPad, d, blockStart, count, logits);
                bool raise = false;
                for (int i = 0; i < nPad; i += Lanes)
                {
                    var max = Vector256.Create(double.NegativeInfinity);
                    for (int r = 0; r < count; r++)
                    {
                        max = Vector256.Max(max, Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)));
                    }

                    max.StoreUnsafe(ref mr, (nuint)i);
                    if (blockStart != start)
                    {
                        raise |= Vector256.GreaterThanAny(max, Vector256.LoadUnsafe(ref hr, (nuint)i) + Vector256.Create(RescaleMargin));
                    }
                }

                if (blockStart == start)
                {
                    Array.Copy(blockMax, shift, nPad);
                }
                else if (raise)
                {
                    // Buffered rows hold exp(logit - old shift): fold them first, then rescale every accumulator.
                    for (int k = 0; k < classes; k++)
                    {
                        Flush(buffers, counts, sums, grams, nPad, k);
                    }

                    var factor = new double[nPad];
                    for (int i = 0; i < nPad; i++)
                    {
                        double raised = Math.Max(shift[i], blockMax[i]);
                        factor[i] = Math.Exp(shift[i] - raised);
                        shift[i] = raised;
                    }

                    for (int k = 0; k < classes; k++)
                    {
                        for (int i = 0; i < nPad; i++)
                        {
                            sums[(k * nPad) + i] *= factor[i];
                            for (int j = 0; j < nPad; j++)
                            {
                                grams[(k * nPad * nPad) + (i * nPad) + j] *= factor[i] * factor[j];
                            }
                        }
                    }
                }

                for (int r = 0; r < count; r++)
                {
                    int k = rowClass[blockStart + r];
                    nuint to = (nuint)(((k * block) + counts[k]) * nPad);
                    for (int i = 0; i < nPad; i += Lanes)
                    {
                        VectorExp.Exp(Vector256.LoadUnsafe(ref lr, (nuint)((r * nPad) + i)) - Vector256.LoadUnsafe(ref hr, (nuint)i)).StoreUnsafe(ref br, to + (nuint)i);
                    }

                    if (++counts[k] == block)
                    {
                        Flush(buffers, counts, sums, grams, nPad, k);
                    }
                }
            }

            for (int k = 0; k < classes; k++)
            {
                Flush(buffers, counts, sums, grams, nPad, k);
            }

            return new Part(shift, sums, grams);
        }

        // Folds class k's buffered rows into its Gram and sums.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Flush(double[] buffers, int[] counts, double[] sums, double[] grams, int nPad, int k)
        {
            int count = counts[k];
            if (count == 0)
            {
                return;
            }

            int from = k * FusedCpuKernel.Block * nPad;
            FusedCpuKernel.UpperGram(buffers, from, nPad, count, grams, k * nPad * nPad);
            ref double br = ref MemoryMarshal.GetArrayDataReference(buffers);
            ref double sr = ref MemoryMarshal.GetArrayDataReference(sums);
            ref double sk = ref Unsafe.Add(ref sr, k * nPad);
            for (int r = 0; r < count; r++)
            {
                ref double row = ref Unsafe.Add(ref br, from + (r * nPad));
                for (int i = 0; i < nPad; i += Lanes)
                {
                    (Vector256.LoadUnsafe(ref sk, (nuint)i) + Vector256.LoadUnsafe(ref row, (nuint)i)).StoreUnsafe(ref sk, (nuint)i);
                }
            }

            counts[k] = 0;
        }
    }
}
