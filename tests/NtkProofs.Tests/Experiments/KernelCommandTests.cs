using System.Text.Json;
using NtkProofs.Experiments.Cli;
using NtkProofs.IO;
using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Experiments;

/// <summary>End-to-end tests of <c>ntkproofs kernel</c>: the .npy contract, the numbers, and bad input.</summary>
public sealed class KernelCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("kernelcmd").FullName;

    private string In => Path.Combine(root, "in");

    private string Out => Path.Combine(root, "out");

    public void Dispose() => Directory.Delete(root, true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private PrefixModel WriteInputs(ValuePath path, int n = 5, int d = 3, int m = 40, int c = 2)
    {
        Directory.CreateDirectory(In);
        var spec = PrefixModelSpec.Create(path, d, m, 0.7, c);
        var model = PrefixModel.Initialize(spec, 3);
        using var x = InputSets.UnitSphere(n, d, 4);
        NpyFile.Write(Path.Combine(In, "X.npy"), NpyArray.FromTensor(x));
        NpyFile.Write(Path.Combine(In, "P.npy"), NpyArray.FromTensor(model.Prefix));
        if (path == ValuePath.FixedValue)
        {
            NpyFile.Write(Path.Combine(In, "A.npy"), NpyArray.FromTensor(model.Values!));
        }
        else if (path == ValuePath.SeparateValue)
        {
            NpyFile.Write(Path.Combine(In, "V.npy"), NpyArray.FromTensor(model.Values!));
        }

        return model;
    }

    [Theory]
    [InlineData("fixed", ValuePath.FixedValue, "sqrt")]
    [InlineData("separate", ValuePath.SeparateValue, "linear")]
    [InlineData("tied", ValuePath.TiedValue, "sqrt")]
    public void WritesTheContractFilesWithTheRightNumbers(string variant, ValuePath path, string scale)
    {
        using var model = WriteInputs(path);
        var (code, stdout, stderr) = Run("kernel", "--in", In, "--out", Out, "--variant", variant, "--scale", scale, "--sigma", "0.7");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("wrote F.npy", stdout, StringComparison.Ordinal);

        using var x = NpyFile.Read(Path.Combine(In, "X.npy")).ToTensor();
        var outputScale = scale == "linear" ? OutputScale.Linear : OutputScale.SqrtM;
        using var scaled = new PrefixModel(model.Spec with { Scale = outputScale }, model.Prefix, model.Values);
        using var f = NpyFile.Read(Path.Combine(Out, "F.npy")).ToTensor();
        using var h = NpyFile.Read(Path.Combine(Out, "H.npy")).ToTensor();
        using var hStar = NpyFile.Read(Path.Combine(Out, "Hstar.npy")).ToTensor();
        using var expectedF = scaled.Output(x);
        using var expectedH = EmpiricalKernel.FromJacobian(scaled, x);
        using var expectedStar = InfinitePrefixKernel.Compute(path, x, 0.7, model.Spec.OutputDim);
        TensorAssert.Close(f, expectedF, Tolerance.Float64);
        TensorAssert.Close(h, expectedH, Tolerance.Float64);
        TensorAssert.Close(hStar, expectedStar, Tolerance.Float64);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "summary.json")));
        var summary = json.RootElement;
        Assert.Equal(variant, summary.GetProperty("variant").GetString());
        Assert.Equal(EigenSpectrum.Of(hStar).LambdaMin, summary.GetProperty("Hstar").GetProperty("lambda_min").GetDouble(), 12);
        Assert.True(summary.GetProperty("relative_frobenius_gap").GetDouble() > 0);
    }

    [Fact]
    public void MissingFileIsBadInputAndWritesNothing()
    {
        using var model = WriteInputs(ValuePath.FixedValue);
        File.Delete(Path.Combine(In, "A.npy"));
        var (code, _, stderr) = Run("kernel", "--in", In, "--out", Out);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("A.npy", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void DimensionMismatchIsBadInputAndKeepsEarlierOutputs()
    {
        using var model = WriteInputs(ValuePath.FixedValue);
        Assert.Equal(ExitCodes.Success, Run("kernel", "--in", In, "--out", Out).Code);
        byte[] before = File.ReadAllBytes(Path.Combine(Out, "H.npy"));
        NpyFile.Write(Path.Combine(In, "P.npy"), new NpyArray([4, 2], new double[8]));
        var (code, _, stderr) = Run("kernel", "--in", In, "--out", Out);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("dimension mismatch", stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Out, "H.npy")));
    }

    [Fact]
    public void NonUnitInputsAreBadInput()
    {
        using var model = WriteInputs(ValuePath.TiedValue);
        NpyFile.Write(Path.Combine(In, "X.npy"), new NpyArray([2, 3], [1, 0, 0, 0, 3, 0]));
        var (code, _, stderr) = Run("kernel", "--in", In, "--out", Out, "--variant", "tied");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("unit norm", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongDtypeIsBadInput()
    {
        using var model = WriteInputs(ValuePath.TiedValue);
        var bytes = File.ReadAllBytes(Path.Combine(In, "X.npy"));
        int at = bytes.AsSpan().IndexOf("<f8"u8);
        bytes[at + 1] = (byte)'i';
        File.WriteAllBytes(Path.Combine(In, "X.npy"), bytes);
        var (code, _, stderr) = Run("kernel", "--in", In, "--out", Out, "--variant", "tied");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'<i8' is not supported", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--variant", "cubic")]
    [InlineData("--sigma", "-1")]
    [InlineData("--scale", "log")]
    public void InvalidOptionsAreBadInput(string option, string value)
    {
        using var model = WriteInputs(ValuePath.FixedValue);
        var (code, _, stderr) = Run("kernel", "--in", In, "--out", Out, option, value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public void HelpWorksOnEveryCommand()
    {
        foreach (var command in CliRunner.BuildRoot().Subcommands)
        {
            var (code, stdout, _) = Run(command.Name, "--help");
            Assert.Equal(ExitCodes.Success, code);
            Assert.Contains(command.Name, stdout, StringComparison.Ordinal);
        }
    }
}
