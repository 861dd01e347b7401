using NtkProofs.Experiments.Cli;

namespace NtkProofs.Tests.Experiments;

/// <summary><c>bench perf</c> (alias <c>bench goals</c>): the smoke profile prints the goal table; bad flags are refused in one line.</summary>
public sealed class BenchPerfCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("bench-perf").FullName;

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public void The_smoke_profile_prints_every_goal_with_its_verdict()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string output = Path.Combine(root, "out");
        int code = CliRunner.Run(["bench", "goals", "--profile", "smoke", "--out", output, "--python", "none"], stdout, stderr);
        Assert.True(code == ExitCodes.Success, stderr.ToString());
        string text = stdout.ToString();
        Assert.Contains("performance goals (issue #13), one run", text, StringComparison.Ordinal);
        Assert.Contains("empirical kernel, tied", text, StringComparison.Ordinal);
        Assert.Contains("NumPy peer not measured: not measured: no Python given (--python none)", text, StringComparison.Ordinal);
        Assert.Contains("goals: ", text, StringComparison.Ordinal);
        Assert.Contains("GEMM rates in this run (TorchSharp 2 threads, device cpu)", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "perf.jsonl")));
        Assert.True(File.Exists(Path.Combine(output, "bench-perf.json")));
    }

    [Theory]
    [InlineData("--threads", "0")]
    [InlineData("--rounds", "0")]
    [InlineData("--gemm-size", "0")]
    public void Bad_flags_are_refused_in_one_line(string option, string value)
    {
        var stderr = new StringWriter();
        int code = CliRunner.Run(["bench", "perf", "--profile", "smoke", "--out", Path.Combine(root, "bad"), option, value], TextWriter.Null, stderr);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("need threads, rounds, repetitions and gemm size >= 1", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "bad")) && Directory.EnumerateFileSystemEntries(Path.Combine(root, "bad")).Any());
    }
}
