using System.Text.Json;
using NtkProofs.Experiments.Cli;
using NtkProofs.IO;
using NtkProofs.Tests.Support;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Experiments;

/// <summary><c>ntkproofs attention</c> end to end: the .npy contract, the Theorem B numbers in bound.json, and bad input.</summary>
public sealed class AttentionCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("attcmd").FullName;

    private string In => Path.Combine(root, "in");

    private string Out => Path.Combine(root, "out");

    public void Dispose() => Directory.Delete(root, true);

    private void WriteInputs(int length = 6, int dim = 5, int dh = 4, int dv = 3, int m = 40)
    {
        Directory.CreateDirectory(In);
        using var generator = new Generator(11);
        void Save(string name, long rows, long cols, double scale) =>
            NpyFile.Write(Path.Combine(In, name), NpyArray.FromTensor(randn([rows, cols], ScalarType.Float64, generator: generator) * scale));
        Save("X.npy", length, dim, 0.5);
        Save("WQ.npy", dim, dh, 0.5);
        Save("WK.npy", dim, dh, 0.5);
        Save("WV.npy", dim, dv, 1.0);
        Save("P.npy", m, dim, 0.5);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (CliRunner.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void TaylorFeaturesWriteEveryFileAndStayWithinTheBound()
    {
        WriteInputs();
        var (code, _, stderr) = Run("attention", "--in", In, "--out", Out, "--feature", "taylor:4");
        Assert.True(code == ExitCodes.Success, stderr);
        foreach (var name in new[] { "prefix.npy", "ntk.npy", "Z.npy", "k.npy", "bound.json" })
        {
            Assert.True(File.Exists(Path.Combine(Out, name)), name);
        }

        Assert.Equal(new long[] { 6, 3 }, NpyFile.Read(Path.Combine(Out, "ntk.npy")).Shape);

        // prefix.npy against a dense softmax over [P W_K; X W_K] written out here, independent of the streamed implementation.
        using var scope = NewDisposeScope();
        Tensor Load(string name) => NpyFile.Read(Path.Combine(In, name)).ToTensor();
        var (x, p) = (Load("X.npy"), Load("P.npy"));
        var q = x.mm(Load("WQ.npy"));
        var keys = cat([p.mm(Load("WK.npy")), x.mm(Load("WK.npy"))], 0);
        var values = cat([p.mm(Load("WV.npy")), x.mm(Load("WV.npy"))], 0);
        var expected = nn.functional.softmax(q.mm(keys.t()) / Math.Sqrt(4), 1).mm(values);
        TensorAssert.Close(NpyFile.Read(Path.Combine(Out, "prefix.npy")).ToTensor(), expected, NtkProofs.Numerics.Tolerance.Float64);
        Assert.Equal(new long[] { 70 }, NpyFile.Read(Path.Combine(Out, "k.npy")).Shape);    // r = C(d_h + g, g) = C(8, 4)
        using var bound = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "bound.json")));
        var b = bound.RootElement;
        Assert.True(b.GetProperty("bound_claimed").GetBoolean());
        Assert.True(b.GetProperty("measured_error_inf").GetDouble() <= b.GetProperty("bound").GetDouble());
        Assert.Contains("ntkproofs attention", b.GetProperty("command").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPrefixAndMismatchedWeightsAreBadInput()
    {
        WriteInputs();
        File.Delete(Path.Combine(In, "P.npy"));
        var (code, _, stderr) = Run("attention", "--in", In, "--out", Out, "--feature", "elu1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("P.npy", stderr, StringComparison.Ordinal);

        WriteInputs();
        NpyFile.Write(Path.Combine(In, "WK.npy"), new NpyArray([3, 4], new double[12]));
        (code, _, stderr) = Run("attention", "--in", In, "--out", Out, "--feature", "elu1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("dimension mismatch", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void UnknownFeatureMapIsBadInput()
    {
        WriteInputs();
        var (code, _, stderr) = Run("attention", "--in", In, "--out", Out, "--feature", "cosine");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }
}
