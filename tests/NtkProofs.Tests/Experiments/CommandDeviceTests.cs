using System.Globalization;
using NtkProofs.Experiments.Cli;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// The commands that compute with TorchSharp outside the sweep runner (kernel, attention, finetune, check-adapter) take
/// <c>--device</c> and refuse a device they cannot use with exit 2 and one line naming it, before reading any input, and
/// never with a stack trace or a silent CPU fallback.
/// </summary>
public sealed class CommandDeviceTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("command-device").FullName;

    /// <summary>Removes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(root, true);

    /// <summary>Each command with its required arguments (inputs that do not exist: the device is checked first).</summary>
    public static TheoryData<string> Commands() => new() { "kernel", "attention", "finetune", "check-adapter", "bench perf", "bench attention" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void AnUnusableDeviceIsRefusedInOneLine(string command)
    {
        // Without CUDA (this build, a CPU libtorch) plain cuda is refused; with CUDA, an ordinal past the last device is.
        string device = TorchSharp.torch.cuda.is_available() ? "cuda:99" : "cuda";
        string expected = TorchSharp.torch.cuda.is_available() ? "out of range" : "CUDA is not available";
        var (code, err) = Run(command, device);
        Assert.True(code == ExitCodes.BadInput, $"{command} --device {device}: exit {code}; stderr: {err}");
        Assert.Contains($"--device {device}: {expected}", err, StringComparison.Ordinal);
        AssertOneLine(err);
        Assert.False(Directory.Exists(Path.Combine(root, "out")), "nothing is written");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMalformedDeviceIsRefusedInOneLine(string command)
    {
        var (code, err) = Run(command, "gpu");
        Assert.True(code == ExitCodes.BadInput, $"{command} --device gpu: exit {code}; stderr: {err}");
        Assert.Contains("--device 'gpu': expected cpu, cuda or cuda:N", err, StringComparison.Ordinal);

        // A parse error: one error line, then the parser's usual pointer to --help.
        var lines = err.Trim().Split('\n');
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.True(lines.Length <= 2, err);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    private (int Code, string Err) Run(string command, string device)
    {
        string input = Path.Combine(root, "in"), output = Path.Combine(root, "out");
        string[] args = command switch
        {
            "kernel" => ["kernel", "--in", input, "--out", output],
            "attention" => ["attention", "--in", input, "--out", output, "--feature", "elu1"],
            "finetune" => ["finetune", "--task", "polarity", "--steps", "1", "--out", output],
            "check-adapter" => ["check-adapter", "--adapter", input],
            "bench perf" => ["bench", "perf", "--profile", "smoke", "--out", output],
            "bench attention" => ["bench", "attention", "--profile", "smoke", "--out", output],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a command of this test"),
        };
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliRunner.Run([.. args, "--device", device], new StringWriter(CultureInfo.InvariantCulture), stderr);
        return (code, stderr.ToString());
    }

    private static void AssertOneLine(string err)
    {
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", err, StringComparison.Ordinal);
    }
}
