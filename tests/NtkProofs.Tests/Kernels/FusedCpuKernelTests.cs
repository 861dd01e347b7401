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

    [Fact]
    public void OneAndTwoThreadsAgree()
    {
        var rng = new Random(3);
        int n = 12, d = 5, m = 1500, c = 1;
        var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var p = Enumerable.Range(0, m * d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = Enumerable.Range(0, m * c).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var (one, oneWeights) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 1);
        var (two, twoWeights) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 2);
        var (again, _) = FusedCpuKernel.Grams(x, p, a, n, d, m, c, true, 2);
        Assert.Equal(two, again);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - two[i]) <= 1e-12 * (1 + Math.Abs(one[i])), $"entry {i}: {one[i]} vs {two[i]}");
        }

        for (int i = 0; i < oneWeights!.Length; i++)
        {
            Assert.True(Math.Abs(oneWeights[i] - twoWeights![i]) <= 1e-12 * (1 + Math.Abs(oneWeights[i])), $"weight entry {i}");
        }
    }
}
