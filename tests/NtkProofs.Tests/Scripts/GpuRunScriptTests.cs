using System.Diagnostics;
using NtkProofs.Experiments.Cli;

namespace NtkProofs.Tests.Scripts;

/// <summary>
/// scripts/gpu/run.sh stops cleanly (exit 2, one clear line) when something is missing, before running anything. The GPU
/// and PyTorch are faked with small shell scripts (NVIDIA_SMI, PYTHON), so this runs on any CPU machine in milliseconds.
/// </summary>
public sealed class GpuRunScriptTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "ntk-gpu-run-" + Guid.NewGuid().ToString("N"));

    public GpuRunScriptTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void WithoutNvidiaSmiItStopsWithNoGpu()
    {
        var (code, stdout, stderr) = Run(("NVIDIA_SMI", Path.Combine(dir, "absent", "nvidia-smi")));
        Assert.Equal(2, code);
        Assert.Contains("STOP: no GPU", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("running the GPU profile", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ADriverThatListsNoDeviceIsNoGpu()
    {
        var (code, _, stderr) = Run(("NVIDIA_SMI", Fake("nvidia-smi", "exit 9")));
        Assert.Equal(2, code);
        Assert.Contains("lists no device", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WithAGpuButNoPyTorchItStopsWithNoLibtorch()
    {
        var (code, stdout, stderr) = Run(("NVIDIA_SMI", FakeGpu()), ("PYTHON", Path.Combine(dir, "absent", "python3")));
        Assert.Equal(2, code);
        Assert.Contains("NVIDIA H200", stdout, StringComparison.Ordinal);
        Assert.Contains("STOP: no libtorch", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void APyTorchOfTheWrongVersionIsNamedWithTheNeededOne()
    {
        var (code, stdout, stderr) = Run(("NVIDIA_SMI", FakeGpu()), ("PYTHON", Fake("python3", "printf '2.5.1+cu121\\n/opt/torch/lib\\n12.1\\n'")));
        Assert.Equal(2, code);
        Assert.Contains("libtorch: 2.5.1+cu121 at /opt/torch/lib", stdout, StringComparison.Ordinal);
        Assert.Contains("libtorch 2.5.1+cu121 found, but TorchSharp 0.107.0 needs libtorch 2.10.x", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ACpuOnlyPyTorchIsRefused()
    {
        var (code, _, stderr) = Run(("NVIDIA_SMI", FakeGpu()), ("PYTHON", Fake("python3", "printf '2.10.0+cpu\\n/opt/torch/lib\\nNone\\n'")));
        Assert.Equal(2, code);
        Assert.Contains("CPU-only build", stderr, StringComparison.Ordinal);
    }

    private string FakeGpu() => Fake("nvidia-smi", "echo '0, NVIDIA H200, 550.54.15, 143771 MiB'");

    private string Fake(string name, string body)
    {
        string sub = Path.Combine(dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(sub);
        string path = Path.Combine(sub, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(params (string Name, string Value)[] env)
    {
        string script = Path.Combine(RepositoryPaths.Root(), "scripts", "gpu", "run.sh");
        var psi = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Remove("NTKPROOFS_LIBTORCH");
        foreach (var (name, value) in env)
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "run.sh did not stop within 30 s");
        return (p.ExitCode, stdout, stderr.Result);
    }
}
