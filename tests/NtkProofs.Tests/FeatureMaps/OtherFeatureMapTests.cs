using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.FeatureMaps;

/// <summary>The ELU+1 map, positive random features (with and without orthogonal blocks) and the CLI parser.</summary>
public sealed class OtherFeatureMapTests(ITestOutputHelper output)
{
    [Fact]
    public void Elu1IsTheReleasedMap()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 8], ScalarType.Float64, generator: new Generator(3)) * 3;
        var map = new Elu1FeatureMap(8);
        var expected = where(x > 0, x / Math.Pow(8, 0.25), (x / Math.Pow(8, 0.25)).exp() - 1) + 1;
        TensorAssert.Close(map.Apply(x), expected, Tolerance.Float64, output, "elu1");
        Assert.Equal(8, map.R);
        Assert.True(map.Apply(x).min().item<double>() > 0);
    }

    /// <summary>
    /// Unbiasedness of positive random features: the mean of r terms lies within 5 standard errors of exp(&lt;q, kappa&gt; / sqrt d).
    /// For i.i.d. Omega rows the failure probability under the central limit theorem is below 6e-7 per pair (12 pairs here);
    /// orthogonal blocks have no larger variance for this kernel. The seeds are fixed, so the test is deterministic.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PositiveRandomFeaturesAreUnbiased(bool orthogonal)
    {
        using var scope = NewDisposeScope();
        const int d = 4, r = 1 << 14;
        var map = new PositiveRandomFeatureMap(d, r, seed: 99, orthogonal);
        var generator = new Generator(7);
        var q = randn([3, d], ScalarType.Float64, generator: generator) * 0.8;
        var kappa = randn([4, d], ScalarType.Float64, generator: generator) * 0.8;
        var terms = map.Apply(q).unsqueeze(1) * map.Apply(kappa).unsqueeze(0) * r;   // [3, 4, r], mean = estimate
        var estimate = terms.mean([2]);
        var standardError = terms.std(2) / Math.Sqrt(r);
        var exact = (q.mm(kappa.t()) / Math.Sqrt(d)).exp();
        double worst = ((estimate - exact).abs() / standardError).max().item<double>();
        output.WriteLine($"orthogonal = {orthogonal}: worst |estimate - exact| = {worst:F2} standard errors; relative error {((estimate - exact).abs() / exact).max().item<double>():E2}");
        Assert.True(worst < 5, $"{worst} standard errors");
    }

    [Fact]
    public void OrthogonalBlocksHaveOrthogonalRowsAndPlausibleNorms()
    {
        using var scope = NewDisposeScope();
        var map = new PositiveRandomFeatureMap(5, 12, seed: 1, orthogonal: true);
        var omega = map.Omega(ScalarType.Float64, CPU);
        var block = omega.narrow(0, 0, 5);
        var directions = block / block.norm(1, keepdim: true);
        TensorAssert.Close(directions.mm(directions.t()), eye(5, dtype: ScalarType.Float64), Tolerance.Float64, output, "orthonormal directions");
        Assert.Equal(new long[] { 12, 5 }, omega.shape);
        Assert.Equal("prf:12:orth", map.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PositiveRandomFeaturesAreReproducibleAndScaledFormMatches(bool orthogonal)
    {
        using var scope = NewDisposeScope();
        var a = new PositiveRandomFeatureMap(3, 16, 5, orthogonal);
        var b = new PositiveRandomFeatureMap(3, 16, 5, orthogonal);
        var x = randn([2, 3], ScalarType.Float64, generator: new Generator(8)) * 2;
        Assert.Equal(0.0, (a.Apply(x) - b.Apply(x)).abs().max().item<double>());
        var (features, logScale) = a.ApplyScaled(x);
        TensorAssert.Close(features * logScale.exp(), a.Apply(x), Tolerance.Float64, output, "prf scaled form");
        Assert.True(features.max().item<double>() <= 1.0);
    }

    [Theory]
    [InlineData("taylor:4", 70L, "taylor:4")]
    [InlineData("TAYLOR:0", 1L, "taylor:0")]
    [InlineData("elu1", 4L, "elu1")]
    [InlineData("prf:32", 32L, "prf:32")]
    [InlineData(" prf:8:orth ", 8L, "prf:8:orth")]
    public void ParserBuildsTheNamedMap(string spec, long r, string name)
    {
        var map = FeatureMapParser.Parse(spec, 4);
        Assert.Equal(r, map.R);
        Assert.Equal(name, map.Name);
        Assert.Equal(4, map.InputDim);
    }

    [Theory]
    [InlineData("taylor")]
    [InlineData("taylor:-2")]
    [InlineData("taylor:x")]
    [InlineData("prf:0")]
    [InlineData("prf:8:ortho")]
    [InlineData("relu")]
    [InlineData("")]
    public void ParserRejectsBadSpellings(string spec)
    {
        var e = Assert.Throws<FormatException>(() => FeatureMapParser.Parse(spec, 4));
        output.WriteLine(e.Message);
    }

    [Fact]
    public void MapsRejectVectorsOfTheWrongDimension()
    {
        using var x = zeros(2, 3, dtype: ScalarType.Float64);
        foreach (var map in new IFeatureMap[] { new Elu1FeatureMap(4), new TaylorFeatureMap(4, 2), new PositiveRandomFeatureMap(4, 8, 1) })
        {
            var e = Assert.Throws<ArgumentException>(() => map.Apply(x));
            Assert.Contains("dimension mismatch", e.Message, StringComparison.Ordinal);
        }
    }
}
