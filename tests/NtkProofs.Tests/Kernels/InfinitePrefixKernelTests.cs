using MathNet.Numerics.LinearAlgebra;
using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Kernels;

/// <summary>H* against an element-by-element MathNet transcription of THEORY.md's formulas.</summary>
public sealed class InfinitePrefixKernelTests(ITestOutputHelper output)
{
    private static Matrix<double> Reference(ValuePath path, double[,] x, double sigma, int c)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        int outDim = path == ValuePath.TiedValue ? d : c;
        var h = Matrix<double>.Build.Dense(n * outDim, n * outDim);
        double s2 = sigma * sigma;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double g = 0;
                for (int k = 0; k < d; k++)
                {
                    g += x[i, k] * x[j, k];
                }

                double kij = Math.Exp(s2 * g);
                for (int l = 0; l < outDim; l++)
                {
                    for (int lp = 0; lp < outDim; lp++)
                    {
                        double delta = l == lp ? 1 : 0;
                        h[(i * outDim) + l, (j * outDim) + lp] = path switch
                        {
                            ValuePath.FixedValue => delta * g * kij,
                            ValuePath.SeparateValue => delta * (1 + g) * kij,
                            _ => kij * (((1 + (s2 * g)) * delta) + ((2 * s2 + (s2 * s2 * g)) * x[j, l] * x[i, lp])),
                        };
                    }
                }
            }
        }

        return h;
    }

    [Theory]
    [InlineData(ValuePath.FixedValue, 0.5)]
    [InlineData(ValuePath.SeparateValue, 1.0)]
    [InlineData(ValuePath.TiedValue, 0.7)]
    public void MatchesElementwiseFormula(ValuePath path, double sigma)
    {
        using var x = InputSets.UnitSphere(5, 3, 17);
        var xs = new double[5, 3];
        var data = x.data<double>().ToArray();
        for (int i = 0; i < 15; i++)
        {
            xs[i / 3, i % 3] = data[i];
        }

        using var h = InfinitePrefixKernel.Compute(path, x, sigma, 2);
        var reference = Reference(path, xs, sigma, 2);
        using var expected = tensor(reference.ToRowMajorArray(), [reference.RowCount, reference.ColumnCount], ScalarType.Float64);
        TensorAssert.Close(h, expected, Tolerance.Float64, output, $"{path} H*");
        Assert.True(EigenSpectrum.Asymmetry(h) < 1e-15);
    }

    [Fact]
    public void RejectsNonPositiveSigma()
    {
        using var x = InputSets.UnitSphere(2, 2, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => InfinitePrefixKernel.Compute(ValuePath.FixedValue, x, 0));
        Assert.Equal("sigma", e.ParamName);
    }
}
