using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Training;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Training;

public sealed class GradientDescentTrainerTests
{
    [Theory]
    [InlineData(ValuePath.FixedValue, OutputScale.SqrtM)]
    [InlineData(ValuePath.SeparateValue, OutputScale.Linear)]
    [InlineData(ValuePath.TiedValue, OutputScale.SqrtM)]
    public void RecordsEveryStepAndUsesTheKernelStepSize(ValuePath path, OutputScale scale)
    {
        var spec = PrefixModelSpec.Create(path, 3, 64, 0.5, 2, scale);
        using var model = PrefixModel.Initialize(spec, 1);
        using var x = InputSets.UnitSphere(4, 3, 2);
        using var y = InputSets.Targets(4, spec.OutputDim, 3);
        using var h0 = EmpiricalKernel.Compute(model, x);
        double lambdaMax = EigenSpectrum.Of(h0).LambdaMax;
        var run = GradientDescentTrainer.Train(model, x, y, new TrainingOptions(Steps: 10, Eta0: 0.5, KernelEvery: 4));

        Assert.Equal(11, run.Records.Count);
        Assert.Equal(Enumerable.Range(0, 11), run.Records.Select(r => r.Step));
        Assert.Equal(0.5 / lambdaMax, run.EffectiveEta, 12);
        Assert.Equal(run.EffectiveEta / scale.KernelFactor(64), run.Eta, 15);
        Assert.Equal(new[] { 0, 4, 8, 10 }, run.Records.Where(r => r.KernelDrift.HasValue).Select(r => r.Step));
        Assert.Equal(0, run.Records[0].KernelDrift);
        Assert.Equal(0, run.Records[0].MaxPrefixMovement);
        Assert.True(run.Records[^1].Loss < run.Records[0].Loss);
        Assert.All(run.Records, r => Assert.Equal(2 * r.Loss, r.ResidualSquared, 12));
    }

    [Fact]
    public void ParametersMoveByEtaTimesGradient()
    {
        var spec = PrefixModelSpec.Create(ValuePath.SeparateValue, 3, 16, 0.5, 2);
        using var model = PrefixModel.Initialize(spec, 1);
        using var before = model.Clone();
        using var x = InputSets.UnitSphere(4, 3, 2);
        using var y = InputSets.Targets(4, 2, 3);
        var run = GradientDescentTrainer.Train(model, x, y, new TrainingOptions(1, Eta: 0.01));
        var (gp, gv) = before.LossGradient(x, y);
        using var expectedP = before.Prefix - (gp * 0.01);
        using var expectedV = before.Values! - (gv! * 0.01);
        Assert.True((model.Prefix - expectedP).abs().max().item<double>() < 1e-15);
        Assert.True((model.Values! - expectedV).abs().max().item<double>() < 1e-15);
        Assert.Equal(0.01, run.Eta);
    }

    [Fact]
    public void DivergenceIsReportedClearly()
    {
        // The separate values are unbounded, so a huge step makes the residual overflow.
        var spec = PrefixModelSpec.Create(ValuePath.SeparateValue, 3, 16, 0.5, 1);
        using var model = PrefixModel.Initialize(spec, 1);
        using var x = InputSets.UnitSphere(4, 3, 2);
        using var y = InputSets.Targets(4, 1, 3);
        var e = Assert.Throws<InvalidOperationException>(() => GradientDescentTrainer.Train(model, x, y, new TrainingOptions(500, Eta: 1e6)));
        Assert.Contains("diverged", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 0.5, 1, "Steps")]
    [InlineData(1, 0.0, 1, "Eta0")]
    [InlineData(1, 0.5, 0, "KernelEvery")]
    public void InvalidOptionsNameTheField(int steps, double eta0, int every, string field)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions(steps, eta0, every).Validated());
        Assert.Equal(field, e.ParamName);
    }
}
