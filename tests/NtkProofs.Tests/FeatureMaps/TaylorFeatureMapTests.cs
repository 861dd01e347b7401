using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.FeatureMaps;

/// <summary>The Taylor feature map: r = C(d+g, g), &lt;phi(q), phi(kappa)&gt; = T_g(&lt;q, kappa&gt; / sqrt d), and the factored form.</summary>
public sealed class TaylorFeatureMapTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(1, 5, 6)]
    [InlineData(3, 2, 10)]
    [InlineData(4, 4, 70)]
    [InlineData(16, 4, 4845)]
    [InlineData(64, 2, 2145)]
    [InlineData(64, 4, 814385)]
    public void FeatureCountIsBinomial(int d, int g, long expected)
    {
        Assert.Equal(expected, TaylorFeatureMap.FeatureCount(d, g));
        if (expected < 100_000)
        {
            var map = new TaylorFeatureMap(d, g);
            Assert.Equal(expected, map.R);
            using var phi = map.Apply(ones(2, d, dtype: ScalarType.Float64));
            Assert.Equal(new long[] { 2, expected }, phi.shape);
        }
    }

    [Fact]
    public void HugeFeatureCountsAreRefusedWithAClearMessage()
    {
        Assert.Equal(long.MaxValue, TaylorFeatureMap.FeatureCount(1000, 40));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TaylorFeatureMap(64, 8));
        Assert.Contains("features", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 7)]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    public void InnerProductIsTheTaylorPolynomialOfTheScaledDotProduct(int d, int g)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(17UL + (ulong)(d * 31) + (ulong)g);
        var q = randn([6, d], ScalarType.Float64, generator: generator) * 1.5;
        var kappa = randn([5, d], ScalarType.Float64, generator: generator) * 1.5;
        var map = new TaylorFeatureMap(d, g);
        var gram = map.Apply(q).mm(map.Apply(kappa).t());
        var expected = TaylorFeatureMap.TaylorPolynomial(q.mm(kappa.t()) / Math.Sqrt(d), g);
        TensorAssert.Close(gram, expected, Tolerance.Float64, output, $"taylor:{g}, d = {d}");
    }

    [Fact]
    public void TaylorPolynomialMatchesTheSeries()
    {
        using var z = tensor(new[] { -3.0, -0.5, 0, 0.25, 2, 7 }, ScalarType.Float64);
        using var t = TaylorFeatureMap.TaylorPolynomial(z, 5);
        var values = z.data<double>().ToArray();
        var expected = values.Select(x => Enumerable.Range(0, 6).Sum(j => Math.Pow(x, j) / MathNet.Numerics.SpecialFunctions.Factorial(j))).ToArray();
        using var e = tensor(expected, ScalarType.Float64);
        TensorAssert.Close(t, e, Tolerance.Float64, output, "T_5");
    }

    [Theory]
    [InlineData(ScalarType.Float64, 1.0)]
    [InlineData(ScalarType.Float64, 300.0)]
    [InlineData(ScalarType.Float32, 0.5)]
    [InlineData(ScalarType.Float32, 40.0)]
    public void ScaledFormReproducesTheMap(ScalarType dtype, double magnitude)
    {
        using var scope = NewDisposeScope();
        var map = new TaylorFeatureMap(3, 4);
        var x = randn([2, 5, 3], ScalarType.Float64, generator: new Generator(5)) * magnitude;
        var (features, logScale) = ((IFeatureMap)map).ApplyScaled(x.to(dtype));
        Assert.True(features.abs().max().to(ScalarType.Float64).item<double>() <= 1.0 + 1e-6, "scaled features must be bounded by 1");
        var rebuilt = features.to(ScalarType.Float64) * logScale.to(ScalarType.Float64).exp();
        TensorAssert.Close(rebuilt, map.Apply(x), Tolerance.For(dtype), output, $"{dtype}, |x| ~ {magnitude}");
    }

    [Fact]
    public void ScaledFormStaysFiniteWhereThePlainMapOverflowsInFloat32()
    {
        using var scope = NewDisposeScope();
        var map = new TaylorFeatureMap(2, 20);
        var x = full(1, 2, 1e3, ScalarType.Float32);
        Assert.False(map.Apply(x).isfinite().all().item<bool>(), "the plain degree-20 map of 1e3 should overflow float32");
        var (features, logScale) = ((IFeatureMap)map).ApplyScaled(x);
        Assert.True(features.isfinite().all().item<bool>() && logScale.isfinite().all().item<bool>());
    }

    [Fact]
    public void GradientFlowsThroughTheScaledFeatures()
    {
        using var scope = NewDisposeScope();
        var map = new TaylorFeatureMap(2, 3);
        var x = tensor(new[] { 0.3, -1.7 }, [1, 2], ScalarType.Float64).requires_grad_(true);
        var (features, logScale) = ((IFeatureMap)map).ApplyScaled(x);
        var direct = (features * logScale.exp()).sum();
        var viaScaled = autograd.grad([direct], [x])[0];
        var y = x.detach().clone().requires_grad_(true);
        var viaPlain = autograd.grad([map.Apply(y).sum()], [y])[0];
        TensorAssert.Close(viaScaled, viaPlain, Tolerance.Float64, output, "d sum(phi) / dx");
    }
}
