using TorchSharp;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>Seeded generators of admissible inputs and targets for the lemma checks.</summary>
public static class InputSets
{
    /// <summary>
    /// Draws n unit vectors in R^d, uniformly on the sphere, with every pair separated:
    /// |&lt;x_i, x_j&gt;| &lt;= <paramref name="maxAbsCosine"/> (so no two inputs crowd together or are antipodal).
    /// Uses rejection sampling, one candidate at a time.
    /// </summary>
    /// <param name="n">Number of inputs.</param>
    /// <param name="d">Dimension.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="maxAbsCosine">Largest allowed |cosine| between two inputs, in (0, 1).</param>
    /// <param name="placement">Device of the result (default CPU); drawn on the CPU either way.</param>
    /// <exception cref="InvalidOperationException">When the separation cannot be met (n too large for d).</exception>
    public static Tensor UnitSphere(int n, int d, long seed, double maxAbsCosine = 0.9, DevicePlacement? placement = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(d, 1);
        if (!(maxAbsCosine > 0 && maxAbsCosine < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxAbsCosine), maxAbsCosine, "must lie in (0, 1)");
        }

        using var generator = new Generator(unchecked((ulong)seed));
        var rows = new List<double[]>(n);
        int attempts = 0;
        while (rows.Count < n)
        {
            if (++attempts > 1000 * n)
            {
                throw new InvalidOperationException($"could not place {n} unit vectors in d = {d} with |cos| <= {maxAbsCosine}; lower n or raise the separation bound");
            }

            using var candidate = randn([d], dtype: ScalarType.Float64, device: CPU, generator: generator);
            var v = candidate.data<double>().ToArray();
            double norm = Math.Sqrt(v.Sum(a => a * a));
            if (norm < 1e-12)
            {
                continue;
            }

            for (int k = 0; k < d; k++)
            {
                v[k] /= norm;
            }

            if (rows.TrueForAll(r => Math.Abs(Dot(r, v)) <= maxAbsCosine))
            {
                rows.Add(v);
            }
        }

        return (placement ?? DevicePlacement.Cpu).FromArray(rows.SelectMany(r => r).ToArray(), [n, d]);
    }

    /// <summary>Targets with i.i.d. uniform entries in [-1, 1] / sqrt(c), so that |y_i| &lt;= 1.</summary>
    /// <param name="n">Number of samples.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="placement">Device of the result (default CPU); drawn on the CPU either way.</param>
    public static Tensor Targets(int n, int c, long seed, DevicePlacement? placement = null)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var u = (placement ?? DevicePlacement.Cpu).Rand(generator, ScalarType.Float64, n, c);
        return (u * 2.0 - 1.0) / Math.Sqrt(c);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}
