using NtkProofs.Model;
using NtkProofs.Training;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Model;

/// <summary>Bad input gets an exception that names the argument.</summary>
public sealed class InputValidationTests
{
    private static readonly PrefixModelSpec Spec = PrefixModelSpec.Create(ValuePath.FixedValue, 3, 8, 1.0, 1);

    [Fact]
    public void NonUnitInputsAreRejected()
    {
        using var model = PrefixModel.Initialize(Spec, 1);
        using var x = tensor(new double[] { 1, 0, 0, 0, 2, 0 }, [2, 3], ScalarType.Float64);
        using var y = zeros(2, 1, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => GradientDescentTrainer.Train(model, x, y, new TrainingOptions(1)));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("unit norm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateInputsAreRejected()
    {
        using var x = tensor(new double[] { 1, 0, 0, 0, 1, 0, 1, 0, 0 }, [3, 3], ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => InputValidation.RequireAdmissibleInputs(x, 3));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("rows 0 and 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AntipodalInputsAreRejected()
    {
        using var x = tensor(new double[] { 0, 1, 0, 0, -1, 0 }, [2, 3], ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => InputValidation.RequireAdmissibleInputs(x, 3));
        Assert.Contains("antipodal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefixLengthBelowOneIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PrefixModelSpec.Create(ValuePath.FixedValue, 3, 0, 1.0));
        Assert.Equal("PrefixLength", e.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveSigmaIsRejected(double sigma)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PrefixModelSpec.Create(ValuePath.FixedValue, 3, 4, sigma));
        Assert.Equal("Sigma", e.ParamName);
    }

    [Fact]
    public void NaNTargetsAreRejected()
    {
        using var model = PrefixModel.Initialize(Spec, 1);
        using var x = InputSets.UnitSphere(2, 3, 2);
        using var y = tensor(new double[] { 0.5, double.NaN }, [2, 1], ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => model.LossGradient(x, y));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputDimensionMismatchIsRejectedWithoutAbort()
    {
        using var model = PrefixModel.Initialize(Spec, 1);
        using var x = InputSets.UnitSphere(2, 4, 2);
        var e = Assert.Throws<ArgumentException>(() => model.Output(x));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("dimension mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetRowMismatchIsRejected()
    {
        using var model = PrefixModel.Initialize(Spec, 1);
        using var x = InputSets.UnitSphere(3, 3, 2);
        using var y = zeros(2, 1, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => model.Loss(x, y));
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void TiedPathRequiresOutputDimensionEqualToInputDimension()
    {
        var e = Assert.Throws<ArgumentException>(() => new PrefixModelSpec(ValuePath.TiedValue, 3, 4, 2, 1.0).Validated());
        Assert.Equal("OutputDim", e.ParamName);
    }

    [Fact]
    public void FixedValuesMustBeSigns()
    {
        using var p = zeros(4, 3, dtype: ScalarType.Float64);
        using var a = full(4, 1, 0.5, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => new PrefixModel(Spec with { PrefixLength = 4 }, p, a));
        Assert.Equal("values", e.ParamName);
    }
}
