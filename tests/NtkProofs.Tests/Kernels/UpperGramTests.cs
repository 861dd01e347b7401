using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Kernels;

/// <summary>
/// The torch path's Gram products computed on and above the block diagonal and mirrored (about half the work of a full
/// product), in float64: against a a^T for sizes below, at and across the row block, and the tied kernel (n d above the
/// row block) against the Gram of analytic Jacobians.
/// </summary>
public sealed class UpperGramTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(7, 5)]
    [InlineData(128, 40)]
    [InlineData(129, 3)]
    [InlineData(300, 65)]
    public void UpperAccumulationAndMirrorEqualTheFullProduct(int rows, int columns)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(5 + (ulong)rows);
        var a = randn([rows, columns], ScalarType.Float64, generator: generator);
        var b = randn([rows, columns], ScalarType.Float64, generator: generator);
        var gram = zeros(rows, rows, ScalarType.Float64);
        EmpiricalKernel.AddUpperGram(gram, a);
        EmpiricalKernel.AddUpperGram(gram, b);
        EmpiricalKernel.MirrorUpper(gram);
        TensorAssert.Close(gram, a.mm(a.t()) + b.mm(b.t()), Tolerance.Float64, output, $"{rows} x {columns}");
        Assert.True(rows <= EmpiricalKernel.GramRowBlock ? EigenSpectrum.Asymmetry(gram) < 1e-14 : EigenSpectrum.Asymmetry(gram) == 0, "symmetric (exactly, once mirrored)");
    }

    [Theory]
    [InlineData(ValuePath.TiedValue, 20, 8, 90)]
    [InlineData(ValuePath.SeparateValue, 12, 4, 50)]
    public void TorchPathAboveOneRowBlockEqualsTheJacobianGram(ValuePath path, int n, int d, int m)
    {
        int c = path == ValuePath.TiedValue ? d : 12;
        Assert.True(n * c > EmpiricalKernel.GramRowBlock, "the case spans more than one row block");
        var spec = PrefixModelSpec.Create(path, inputDim: d, prefixLength: m, sigma: 1.1, outputDim: c);
        using var model = PrefixModel.Initialize(spec, 3 + m);
        using var x = InputSets.UnitSphere(n, d, 4 + n, 0.99);
        using var scope = NewDisposeScope();
        var kernel = EmpiricalKernel.ComputeWithTorch(model, x);
        TensorAssert.Close(kernel, EmpiricalKernel.FromJacobian(model, x), Tolerance.Float64, output, $"{path} n {n} d {d} m {m}: torch path vs J J^T");
    }
}
