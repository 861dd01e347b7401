using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Model;

/// <summary>Analytic gradients of every value path and output scale against autograd and central finite differences.</summary>
public sealed class PrefixModelGradientTests(ITestOutputHelper output)
{
    private static (PrefixModel Model, Tensor X, Tensor Y) SmallCase(ValuePath path, OutputScale scale, long seed)
    {
        var spec = PrefixModelSpec.Create(path, inputDim: 3, prefixLength: 5, sigma: 0.8, outputDim: 2, scale: scale);
        var model = PrefixModel.Initialize(spec, seed);
        var x = InputSets.UnitSphere(4, 3, seed + 1);
        var y = InputSets.Targets(4, spec.OutputDim, seed + 2);
        return (model, x, y);
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void AnalyticJacobianMatchesAutograd(ValuePath path, OutputScale scale)
    {
        var (model, x, _) = SmallCase(path, scale, 11);
        using var _m = model;
        using var analytic = model.Jacobian(x);
        using var reference = AutogradReference.Jacobian(model, x);
        TensorAssert.Close(analytic, reference, Tolerance.Float64, output, $"{path}/{scale} Jacobian vs autograd");
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void AnalyticJacobianMatchesFiniteDifferences(ValuePath path, OutputScale scale)
    {
        var (model, x, _) = SmallCase(path, scale, 23);
        using var _m = model;
        using var analytic = model.Jacobian(x);
        using var reference = AutogradReference.FiniteDifferenceJacobian(model, x);
        TensorAssert.Close(analytic, reference, Tolerance.FiniteDifference64, output, $"{path}/{scale} Jacobian vs central differences");
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void LossGradientMatchesAutograd(ValuePath path, OutputScale scale)
    {
        var (model, x, y) = SmallCase(path, scale, 37);
        using var _m = model;
        var (prefix, values) = model.LossGradient(x, y);
        var (refPrefix, refValues) = AutogradReference.LossGradient(model, x, y);
        TensorAssert.Close(prefix, refPrefix, Tolerance.Float64, output, $"{path}/{scale} dL/dP");
        Assert.Equal(path == ValuePath.SeparateValue, values is not null);
        if (values is not null)
        {
            TensorAssert.Close(values, refValues!, Tolerance.Float64, output, $"{path}/{scale} dL/dV");
        }
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void LossGradientIsJacobianTransposeTimesResidual(ValuePath path, OutputScale scale)
    {
        var (model, x, y) = SmallCase(path, scale, 41);
        using var _m = model;
        using var scope = NewDisposeScope();
        var residual = (model.Output(x) - y).reshape(-1, 1);
        var viaJacobian = model.Jacobian(x).t().mm(residual).reshape(-1);
        var (prefix, values) = model.LossGradient(x, y);
        var direct = values is null ? prefix.reshape(-1) : cat([prefix.reshape(-1), values.reshape(-1)], 0);
        TensorAssert.Close(direct, viaJacobian, Tolerance.Float64, output, $"{path}/{scale} J^T r");
    }

    [Fact]
    public void LargeLogitsStayFinite()
    {
        // Softmax is max-shifted: logits of size 1e3 must not overflow.
        var spec = PrefixModelSpec.Create(ValuePath.FixedValue, 2, 4, sigma: 1000, outputDim: 1);
        using var model = PrefixModel.Initialize(spec, 5);
        using var x = InputSets.UnitSphere(3, 2, 6);
        using var f = model.Output(x);
        using var finite = isfinite(f).all();
        Assert.True(finite.item<bool>());
    }

    [Fact]
    public void SymmetricInitializationStartsAtZeroOutput()
    {
        var spec = PrefixModelSpec.Create(ValuePath.SeparateValue, 4, 64, sigma: 1, outputDim: 3);
        using var model = PrefixModel.Initialize(spec, 9, PrefixInit.Symmetric);
        using var x = InputSets.UnitSphere(5, 4, 10);
        using var f = model.Output(x);
        Assert.True(f.abs().max().item<double>() < 1e-12);
    }
}
