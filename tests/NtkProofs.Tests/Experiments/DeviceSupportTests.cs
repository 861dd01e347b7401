using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.Reports.Claims;
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
        SweepCommand.RequireDeviceSupport("cuda:1", experiments.Where(x => x.SupportsCuda));
        var cpuOnly = experiments.Where(x => !x.SupportsCuda).ToList();
        var e = Assert.Throws<CliInputException>(() => SweepCommand.RequireDeviceSupport("cuda", [.. cpuOnly, new CpuOnlyExperiment()]));
        Assert.Contains(CpuOnlyExperiment.ExperimentName, e.Message, StringComparison.Ordinal);
        Assert.All(cpuOnly, x => Assert.Contains(x.Name, e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("kernel-concentration", e.Message, StringComparison.Ordinal);
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

    [Fact]
    public void AMalformedDeviceIsOneLineAndExitTwo()
    {
        string config = Path.Combine(RepositoryPaths.ProfileConfigs("smoke"), "identities.json");
        var stderr = new StringWriter();
        int code = CliRunner.Run(["sweep", "ntk-identities", "--config", config, "--device", "cuda:x", "--dry-run"], new StringWriter(), stderr);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--device 'cuda:x': expected cpu, cuda or cuda:N", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void TheDeviceCommandReportsLibtorchAndRefusesAnUnusableDevice()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliRunner.Run(["device"], stdout, new StringWriter()));
        Assert.Contains("libtorch loaded by TorchSharp: 2.10", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("cuda available:", stdout.ToString(), StringComparison.Ordinal);
        if (!TorchSharp.torch.cuda.is_available())
        {
            var stderr = new StringWriter();
            Assert.Equal(ExitCodes.BadInput, CliRunner.Run(["device", "--device", "cuda:3"], new StringWriter(), stderr));
            Assert.Contains("--device cuda:3: CUDA is not available", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>An experiment that does not support CUDA (the registry may have none left).</summary>
    private sealed class CpuOnlyExperiment : TypedExperiment<double>
    {
        public const string ExperimentName = "cpu-only-fake";

        public override string Name => ExperimentName;

        public override string Description => "a CPU-only stand-in";

        public override IReadOnlyList<ParameterSpec> Parameters { get; } = [];

        public override double Measure(SweepPoint point, ExperimentContext context) => 0;
    }
}
