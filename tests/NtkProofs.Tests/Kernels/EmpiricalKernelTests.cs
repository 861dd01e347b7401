using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Kernels;

/// <summary>The matrix-product kernel against the Gram matrix of autograd Jacobians.</summary>
public sealed class EmpiricalKernelTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void KernelEqualsGramOfAutogradJacobians(ValuePath path, OutputScale scale)
    {
        var spec = PrefixModelSpec.Create(path, inputDim: 3, prefixLength: 7, sigma: 0.9, outputDim: 2, scale: scale);
        using var model = PrefixModel.Initialize(spec, 101);
        using var x = InputSets.UnitSphere(5, 3, 102);
        using var scope = NewDisposeScope();
        var jacobian = AutogradReference.Jacobian(model, x);
        var expected = jacobian.mm(jacobian.t()) / scale.KernelFactor(spec.PrefixLength);
        var kernel = EmpiricalKernel.Compute(model, x);
        TensorAssert.Close(kernel, expected, Tolerance.Float64, output, $"{path}/{scale} H vs J J^T");
        Assert.True(EigenSpectrum.Asymmetry(kernel) < 1e-14);
    }

    [Theory]
    [InlineData(ValuePath.FixedValue)]
    [InlineData(ValuePath.SeparateValue)]
    [InlineData(ValuePath.TiedValue)]
    public void BlockedAccumulationMatchesSingleBlock(ValuePath path)
    {
        // m larger than one block for n c = 4 * c rows: forces several blocks.
        int m = (int)(EmpiricalKernel.BlockElements / 8) + 3;
        var spec = PrefixModelSpec.Create(path, inputDim: 2, prefixLength: m, sigma: 0.5, outputDim: 2);
        using var model = PrefixModel.Initialize(spec, 7);
        using var x = InputSets.UnitSphere(4, 2, 8);
        using var scope = NewDisposeScope();
        var kernel = EmpiricalKernel.Compute(model, x);
        var jacobian = model.Jacobian(x);
        TensorAssert.Close(kernel, jacobian.mm(jacobian.t()), new Tolerance(1e-9, 1e-12), output, $"{path} blocked");
    }

    [Fact]
    public void LinearScaleKernelEqualsSqrtScaleKernelAtSameParameters()
    {
        var sqrt = PrefixModelSpec.Create(ValuePath.SeparateValue, 3, 9, 0.7, 2, OutputScale.SqrtM);
        using var a = PrefixModel.Initialize(sqrt, 3);
        using var b = new PrefixModel(sqrt with { Scale = OutputScale.Linear }, a.Prefix, a.Values);
        using var x = InputSets.UnitSphere(4, 3, 4);
        using var ha = EmpiricalKernel.Compute(a, x);
        using var hb = EmpiricalKernel.Compute(b, x);
        TensorAssert.Close(hb, ha, Tolerance.Float64, output, "H/m (linear) vs H (sqrt)");
    }
}
