using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Kernels;

/// <summary>
/// The fused CPU kernel (<see cref="FusedCpuKernel"/>) against the torch block products and the Gram of analytic Jacobians,
/// in float64: sample counts that are and are not multiples of the 8-wide tile, prefix lengths below one block, across
/// several blocks and not a multiple of the 4-row logit step, one and several outputs, one and two threads.
/// </summary>
public sealed class FusedCpuKernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ValuePath.FixedValue, 5, 3, 7, 1)]
    [InlineData(ValuePath.FixedValue, 8, 4, 1, 1)]
    [InlineData(ValuePath.FixedValue, 17, 5, 1031, 1)]
    [InlineData(ValuePath.SeparateValue, 9, 3, 513, 1)]
    [InlineData(ValuePath.SeparateValue, 6, 4, 300, 3)]
    [InlineData(ValuePath.FixedValue, 3, 2, 257, 5)]
    [InlineData(ValuePath.FixedValue, 10, 4, 1500, 2)]
    [InlineData(ValuePath.FixedValue, 7, 3, (2 * FusedCpuKernel.PartRows) + 333, 3)]
    [InlineData(ValuePath.FixedValue, 64, 16, FusedCpuKernel.PartRows + 1, 1)]
    [InlineData(ValuePath.SeparateValue, 64, 16, 2050, 1)]
    public void FusedPathEqualsTheTorchPath(ValuePath path, int n, int d, int m, int c)
    {
        var spec = PrefixModelSpec.Create(path, inputDim: d, prefixLength: m, sigma: 1.3, outputDim: c);
        using var model = PrefixModel.Initialize(spec, 11 + m);
        using var x = InputSets.UnitSphere(n, d, 12 + n, 0.99);
        using var scope = NewDisposeScope();
        // The vector code is correct without hardware FMA too (only slower), so it is tested on every machine.
        Assert.Equal(FusedCpuKernel.IsSupported, EmpiricalKernel.UsesFusedPath(model, x));
        var fused = EmpiricalKernel.ComputeFused(model, x);
        var torchPath = EmpiricalKernel.ComputeWithTorch(model, x);
        TensorAssert.Close(fused, torchPath, Tolerance.Float64, output, $"{path} n {n} d {d} m {m} c {c}: fused vs torch");
        Assert.True(EigenSpectrum.Asymmetry(fused) < 1e-14, "the fused kernel is symmetric");
        if (m <= 600)
        {
            var jacobian = model.Jacobian(x);
            TensorAssert.Close(fused, jacobian.mm(jacobian.t()) / spec.Scale.KernelFactor(m), Tolerance.Float64, output, "fused vs J J^T");
        }
    }

    [Fact]
    public void LargeLogitsDoNotOverflow()
    {
        var spec = PrefixModelSpec.Create(ValuePath.SeparateValue, inputDim: 4, prefixLength: 700, sigma: 1.0, outputDim: 1);
        using var seedModel = PrefixModel.Initialize(spec, 5);
        using var model = new PrefixModel(spec, seedModel.Prefix * 300.0, seedModel.Values);
        using var x = InputSets.UnitSphere(10, 4, 6, 0.99);
        using var scope = NewDisposeScope();
        var fused = EmpiricalKernel.ComputeFused(model, x);
        Assert.True(fused.isfinite().all().item<bool>());
        TensorAssert.Close(fused, EmpiricalKernel.ComputeWithTorch(model, x), Tolerance.Float64, output, "logits ~ 300");
    }

    /// <summary>Fixed values with logits growing along the prefix: the sign-class kernel must raise its shift mid-part.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void LargeGrowingLogitsDoNotOverflowTheSignClassKernel(int c)
    {
        int m = 1500;
        var spec = PrefixModelSpec.Create(ValuePath.FixedValue, inputDim: 4, prefixLength: m, sigma: 1.0, outputDim: c);
        using var seedModel = PrefixModel.Initialize(spec, 7);
        using var growth = linspace(1.0 / m, 1.0, m, ScalarType.Float64).unsqueeze(1) * 300.0;
        using var model = new PrefixModel(spec, seedModel.Prefix * growth, seedModel.Values);
        using var x = InputSets.UnitSphere(9, 4, 8, 0.99);
        using var scope = NewDisposeScope();
        Assert.True(SignClassKernel.Applies(Rent(model.ValueMatrix), m, c));
        var fused = EmpiricalKernel.ComputeFused(model, x);
        Assert.True(fused.isfinite().all().item<bool>());
        TensorAssert.Close(fused, EmpiricalKernel.ComputeWithTorch(model, x), Tolerance.Float64, output, $"growing logits up to ~300, c {c}");
    }

    [Fact]
    public void TheSignClassKernelTakesOnlyPlusMinusOneValuesAndFewOutputs()
    {
        Assert.True(SignClassKernel.Applies([1, -1, -1, 1, 9], 2, 2));
        Assert.False(SignClassKernel.Applies([1, -1, 0.5, 1], 2, 2));
        Assert.False(SignClassKernel.Applies([1, -1, 0, 1], 4, 1));
        Assert.False(SignClassKernel.Applies(Enumerable.Repeat(1.0, 8).ToArray(), 2, SignClassKernel.MaxOutputs + 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void OneAndTwoThreadsGiveTheSameBitsForSignValues(int c)
    {
        var rng = new Random(4);
        int n = 11, d = 5, m = (2 * FusedCpuKernel.PartRows) + 701;
        var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var p = Enumerable.Range(0, m * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = Enumerable.Range(0, m * c).Select(_ => rng.Next(2) * 2.0 - 1.0).ToArray();
        var (one, _) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, false, 1);
        var (two, _) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, false, 2);
        var (again, _) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, false, 2);
        Assert.Equal(two, again);
        Assert.Equal(one, two);
    }

    private static double[] Rent(Tensor t) => t.contiguous().data<double>().ToArray();

    [Fact]
    public void OneAndTwoThreadsGiveTheSameBits()
    {
        var rng = new Random(3);
        int n = 12, d = 5, m = (2 * FusedCpuKernel.PartRows) + 700, c = 1;
        var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var p = Enumerable.Range(0, m * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = Enumerable.Range(0, m * c).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var (one, oneWeights) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 1);
        var (two, twoWeights) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 2);
        var (again, _) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 2);
        Assert.Equal(two, again);
        Assert.Equal(one, two);
        Assert.Equal(oneWeights, twoWeights);
    }

    /// <summary>Many calls in one process (across JIT tier-up) give the same bits: the library exp did not.</summary>
    [Fact]
    public void RepeatedCallsGiveTheSameBits()
    {
        var spec = PrefixModelSpec.Create(ValuePath.FixedValue, 4, 600, 0.5, 2);
        using var model = PrefixModel.Initialize(spec, 1);
        using var x = InputSets.UnitSphere(6, 4, 2, 0.99);
        using var first = EmpiricalKernel.ComputeFused(model, x);
        var bits = first.data<double>().ToArray();
        for (int t = 0; t < 60; t++)
        {
            using var again = EmpiricalKernel.ComputeFused(model, x);
            Assert.Equal(bits, again.data<double>().ToArray());
        }
    }

    [Fact]
    public void VectorExpIsWithinTwoUlpOfMathExpAndZeroBelowTheNormalRange()
    {
        double worst = 0;
        for (double v = -708.3; v < 60; v += 0.0137)
        {
            var e = VectorExp.Exp(System.Runtime.Intrinsics.Vector256.Create(v, -v / 20, v / 1000, v * 1e-9));
            for (int lane = 0; lane < 4; lane++)
            {
                double arg = lane switch { 0 => v, 1 => -v / 20, 2 => v / 1000, _ => v * 1e-9 };
                worst = Math.Max(worst, Math.Abs(e[lane] - Math.Exp(arg)) / Math.Exp(arg));
            }
        }

        output.WriteLine($"worst relative error {worst:E2}");
        Assert.True(worst < 4.5e-16, $"worst relative error {worst:E2}");
        var low = VectorExp.Exp(System.Runtime.Intrinsics.Vector256.Create(double.NegativeInfinity, -709, -1e300, 0));
        Assert.Equal(0.0, low[0]);
        Assert.Equal(0.0, low[1]);
        Assert.Equal(0.0, low[2]);
        Assert.Equal(1.0, low[3]);
    }
}
