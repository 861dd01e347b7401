using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>Seeded inputs and a managed-loop oracle for the attention tests (independent of every TorchSharp attention code path).</summary>
internal static class AttentionFixtures
{
    /// <summary>Standard normal tensor from a seed, times <paramref name="scale"/>.</summary>
    public static Tensor Randn(long seed, long[] shape, double scale = 1.0, ScalarType dtype = ScalarType.Float64)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var t = randn(shape, ScalarType.Float64, generator: generator);
        return (t * scale).to(dtype);
    }

    /// <summary>q, k, v [B, H, L, d|dv] and a prefix [H, m, d|dv], all from one seed.</summary>
    public static (Tensor Q, Tensor K, Tensor V, Tensor PrefixKeys, Tensor PrefixValues) Case(long seed, long batch, long heads, long length, long d, long dv, long m, double scale = 1.0, ScalarType dtype = ScalarType.Float64) =>
        (Randn(seed, [batch, heads, length, d], scale, dtype),
         Randn(seed + 1, [batch, heads, length, d], scale, dtype),
         Randn(seed + 2, [batch, heads, length, dv], 1.0, dtype),
         Randn(seed + 3, [heads, m, d], scale, dtype),
         Randn(seed + 4, [heads, m, dv], 1.0, dtype));

    /// <summary>
    /// Prefix attention by explicit loops in double precision: weight w(s) for prefix scores, exp for visible input keys,
    /// every weight divided by the row's largest exp argument (so moderate logits are exact).
    /// keep[b][j] says whether input key j of batch b is visible.
    /// </summary>
    public static double[,,,] Loops(Tensor q, Tensor k, Tensor v, Tensor prefixKeys, Tensor prefixValues, bool causal, bool[][]? keep, Func<double, double>? prefixWeight = null)
    {
        var Q = Arr(q); var K = Arr(k); var V = Arr(v); var PK = Arr3(prefixKeys); var PV = Arr3(prefixValues);
        int B = Q.GetLength(0), H = Q.GetLength(1), L = Q.GetLength(2), d = Q.GetLength(3), Lk = K.GetLength(2), dv = V.GetLength(3), m = PK.GetLength(1);
        double scale = 1.0 / Math.Sqrt(d);
        var result = new double[B, H, L, dv];
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    var num = new double[dv];
                    double den = 0;
                    for (int r = 0; r < m; r++)
                    {
                        double s = 0;
                        for (int a = 0; a < d; a++)
                        {
                            s += Q[b, h, i, a] * PK[h, r, a];
                        }

                        double w = prefixWeight is null ? Math.Exp(s * scale) : prefixWeight(s * scale);
                        den += w;
                        for (int c = 0; c < dv; c++)
                        {
                            num[c] += w * PV[h, r, c];
                        }
                    }

                    for (int j = 0; j < Lk; j++)
                    {
                        if ((causal && j > i) || (keep is not null && !keep[b][j]))
                        {
                            continue;
                        }

                        double s = 0;
                        for (int a = 0; a < d; a++)
                        {
                            s += Q[b, h, i, a] * K[b, h, j, a];
                        }

                        double w = Math.Exp(s * scale);
                        den += w;
                        for (int c = 0; c < dv; c++)
                        {
                            num[c] += w * V[b, h, j, c];
                        }
                    }

                    for (int c = 0; c < dv; c++)
                    {
                        result[b, h, i, c] = num[c] / den;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>A 4-D managed array as a float64 tensor.</summary>
    public static Tensor ToTensor(double[,,,] a)
    {
        var shape = new long[] { a.GetLength(0), a.GetLength(1), a.GetLength(2), a.GetLength(3) };
        return tensor(a.Cast<double>().ToArray(), shape, ScalarType.Float64);
    }

    private static double[,,,] Arr(Tensor t)
    {
        using var c = t.detach().to(ScalarType.Float64).contiguous();
        var data = c.data<double>().ToArray();
        var a = new double[t.shape[0], t.shape[1], t.shape[2], t.shape[3]];
        Buffer.BlockCopy(data, 0, a, 0, data.Length * sizeof(double));
        return a;
    }

    private static double[,,] Arr3(Tensor t)
    {
        var a = new double[t.shape[0], t.shape[1], t.shape[2]];
        if (t.numel() == 0)
        {
            return a;
        }

        using var c = t.detach().to(ScalarType.Float64).contiguous();
        var data = c.data<double>().ToArray();
        Buffer.BlockCopy(data, 0, a, 0, data.Length * sizeof(double));
        return a;
    }
}
