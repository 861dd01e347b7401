using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// Positive random features (THEORY.md Part B): phi(q) = exp(Omega q' - |q'|^2 / 2) / sqrt(r), q' = q / d^{1/4}, Omega's rows
/// N(0, I_d). Then E &lt;phi(q), phi(kappa)&gt; = exp(&lt;q, kappa&gt; / sqrt d) exactly, with error of order r^{-1/2}.
/// With <c>orthogonal</c>, Omega is built from blocks of d orthogonal directions, each row rescaled by an independent
/// chi(d) norm, which keeps every row's marginal N(0, I_d) and the estimator unbiased while lowering its variance.
/// </summary>
public sealed class PositiveRandomFeatureMap : IFeatureMap
{
    private readonly double[] omega;

    /// <summary>Draws Omega from <paramref name="seed"/> (reproducible on every machine: MathNet's Mersenne Twister).</summary>
    /// <param name="inputDim">d &gt;= 1.</param>
    /// <param name="features">r &gt;= 1.</param>
    /// <param name="seed">Seed of Omega.</param>
    /// <param name="orthogonal">Use orthogonal blocks of d rows.</param>
    public PositiveRandomFeatureMap(int inputDim, int features, long seed, bool orthogonal = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if ((long)features * inputDim > TaylorFeatureMap.MaxFeatures)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features, $"prf:{features} in d = {inputDim} needs an r x d = {(long)features * inputDim} matrix, more than the {TaylorFeatureMap.MaxFeatures} entries this implementation builds");
        }

        InputDim = inputDim;
        R = features;
        Seed = seed;
        Orthogonal = orthogonal;
        omega = orthogonal ? DrawOrthogonal(inputDim, features, seed) : DrawGaussian(inputDim, features, seed);
    }

    /// <inheritdoc />
    public int InputDim { get; }

    /// <inheritdoc />
    public long R { get; }

    /// <summary>The seed Omega was drawn from.</summary>
    public long Seed { get; }

    /// <summary>Whether Omega has orthogonal blocks.</summary>
    public bool Orthogonal { get; }

    /// <inheritdoc />
    public string Name => Orthogonal ? $"prf:{R}:orth" : $"prf:{R}";

    /// <inheritdoc />
    public bool IsNonNegative => true;

    /// <summary>A copy of Omega (r x d, row-major) in the given dtype on the given device.</summary>
    /// <param name="dtype">Scalar type.</param>
    /// <param name="device">Device.</param>
    public Tensor Omega(ScalarType dtype, Device device) => tensor(omega, [R, InputDim], ScalarType.Float64, device: device).to(dtype);

    /// <inheritdoc />
    public Tensor Apply(Tensor x)
    {
        FeatureMapChecks.RequireInput(x, InputDim, Name);
        using var scope = NewDisposeScope();
        return LogFeatures(x).exp().MoveToOuterDisposeScope();
    }

    /// <summary>phi(x) = exp(log phi - max log phi) * exp(max log phi): features in (0, 1], LogScale the row maximum.</summary>
    /// <param name="x">Vectors of dimension d in the last axis.</param>
    public ScaledFeatures ApplyScaled(Tensor x)
    {
        FeatureMapChecks.RequireInput(x, InputDim, Name);
        using var scope = NewDisposeScope();
        var log = LogFeatures(x);
        var logScale = log.detach().amax([-1], keepdim: true);
        return new ScaledFeatures((log - logScale).exp().MoveToOuterDisposeScope(), logScale.MoveToOuterDisposeScope());
    }

    private Tensor LogFeatures(Tensor x)
    {
        var q = x * Math.Pow(InputDim, -0.25);
        var w = Omega(x.dtype, x.device);
        var projected = matmul(q, w.t());
        return projected - (q.square().sum(-1, keepdim: true) * 0.5) - (0.5 * Math.Log(R));
    }

    private static double[] DrawGaussian(int d, int r, long seed)
    {
        var normal = new Normal(0, 1, new MersenneTwister(unchecked((int)(seed ^ (seed >> 32)))));
        var values = new double[(long)r * d];
        normal.Samples(values);
        return values;
    }

    private static double[] DrawOrthogonal(int d, int r, long seed)
    {
        var random = new MersenneTwister(unchecked((int)(seed ^ (seed >> 32))));
        var normal = new Normal(0, 1, random);
        var values = new double[(long)r * d];
        int row = 0;
        while (row < r)
        {
            // Haar-distributed orthogonal matrix: QR of a Gaussian matrix with each column's sign fixed by R's diagonal
            // (without the fix, Householder QR biases the directions and the estimator).
            var qr = Matrix<double>.Build.Random(d, d, normal).QR();
            var q = qr.Q;
            var signs = qr.R.Diagonal().Map(v => (double)Math.Sign(v));
            for (int i = 0; i < d && row < r; i++, row++)
            {
                // Row norm of an independent Gaussian vector: chi(d), so the row is N(0, I_d) in distribution.
                double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(_ => Math.Pow(normal.Sample(), 2)));
                for (int j = 0; j < d; j++)
                {
                    values[((long)row * d) + j] = q[j, i] * signs[i] * norm;
                }
            }
        }

        return values;
    }
}
