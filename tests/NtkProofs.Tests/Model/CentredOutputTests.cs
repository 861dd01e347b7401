using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Model;

/// <summary>The centred output F_c = F(theta) - F(theta_0) (THEORY.md A.2): zero at init, same Jacobian, gradient against autograd.</summary>
public sealed class CentredOutputTests(ITestOutputHelper output)
{
    /// <summary>A centred model moved off theta_0 by a few plain gradient steps (so F_c is not identically zero).</summary>
    private static (PrefixModel Centred, PrefixModel Plain, Tensor X, Tensor Y) Moved(ValuePath path, OutputScale scale, long seed)
    {
        var spec = PrefixModelSpec.Create(path, inputDim: 3, prefixLength: 5, sigma: 0.8, outputDim: 2, scale: scale);
        var plain = PrefixModel.Initialize(spec, seed);
        var centred = new PrefixModel(spec with { Centred = true }, plain.Prefix, plain.Values);
        var x = InputSets.UnitSphere(4, 3, seed + 1);
        var y = InputSets.Targets(4, spec.OutputDim, seed + 2);
        for (int t = 0; t < 3; t++)
        {
            var (gp, gv) = centred.LossGradient(x, y);
            centred.Step(gp, gv, 0.3);
            plain.Step(gp, gv, 0.3); // same parameters as the centred model, un-centred output
        }

        return (centred, plain, x, y);
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void CentredOutputIsZeroAtInitialization(ValuePath path, OutputScale scale)
    {
        var spec = PrefixModelSpec.Create(path, 3, 7, sigma: 0.8, outputDim: 2, scale: scale) with { Centred = true };
        using var model = PrefixModel.Initialize(spec, 3);
        using var x = InputSets.UnitSphere(4, 3, 4);
        using var f = model.Output(x);
        Assert.True(f.abs().max().item<double>() < 1e-14, $"{path}/{scale}: F_c(theta_0) = {f.abs().max().item<double>()}");
        using var clone = model.Clone();
        using var fc = clone.Output(x);
        Assert.True(fc.abs().max().item<double>() < 1e-14, "a clone keeps theta_0");
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void CentringShiftsTheOutputByTheInitialOutputAndKeepsTheJacobian(ValuePath path, OutputScale scale)
    {
        var (centred, plain, x, _) = Moved(path, scale, 51);
        using var _c = centred;
        using var _p = plain;
        using var scope = NewDisposeScope();
        using var initial = PrefixModel.Initialize(PrefixModelSpec.Create(path, 3, 5, sigma: 0.8, outputDim: 2, scale: scale), 51);
        TensorAssert.Close(centred.Output(x), plain.Output(x) - initial.Output(x), Tolerance.Float64, output, $"{path}/{scale} F_c = F - F(theta_0)");
        Assert.True((centred.Output(x) - plain.Output(x)).abs().max().item<double>() > 1e-6, "the centring term is not zero");
        TensorAssert.Close(centred.Jacobian(x), plain.Jacobian(x), Tolerance.Float64, output, $"{path}/{scale} Jacobian unchanged");
    }

    [Theory]
    [MemberData(nameof(Cases.PathsAndScales), MemberType = typeof(Cases))]
    public void CentredLossGradientMatchesAutograd(ValuePath path, OutputScale scale)
    {
        var (centred, plain, x, y) = Moved(path, scale, 63);
        using var _c = centred;
        using var _p = plain;
        var (prefix, values) = centred.LossGradient(x, y);
        var (refPrefix, refValues) = AutogradReference.LossGradient(centred, x, y);
        TensorAssert.Close(prefix, refPrefix, Tolerance.Float64, output, $"{path}/{scale} centred dL/dP");
        if (values is not null)
        {
            TensorAssert.Close(values, refValues!, Tolerance.Float64, output, $"{path}/{scale} centred dL/dV");
        }

        var (plainPrefix, _) = plain.LossGradient(x, y);
        Assert.True((prefix - plainPrefix).abs().max().item<double>() > 1e-8, "the centred residual changes the gradient");
    }
}
