using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments;

/// <summary>--device cuda is refused for experiments not wired to the device seam, naming them, rather than silently computing on the CPU.</summary>
public sealed class DeviceSupportTests
{
    [Fact]
    public void CudaIsRefusedForCpuOnlyExperimentsAndCpuIsAccepted()
    {
        var experiments = ExperimentRegistry.All;
        SweepCommand.RequireDeviceSupport("cpu", experiments);
        var e = Assert.Throws<CliInputException>(() => SweepCommand.RequireDeviceSupport("cuda", experiments));
        Assert.Contains("released-defects", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kernel-concentration", e.Message, StringComparison.Ordinal);
        SweepCommand.RequireDeviceSupport("cuda:1", experiments.Where(x => x.SupportsCuda));
        Assert.Contains("use --device cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportWithCudaExitsWithBadInput()
    {
        var stderr = new StringWriter();
        int code = CliRunner.Run(["report", "--profile", "smoke", "--device", "cuda", "--out", Path.Combine(Path.GetTempPath(), "ntk-cuda-refused")], new StringWriter(), stderr);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--device cuda", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "ntk-cuda-refused")));
    }
}
