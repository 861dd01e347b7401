using System.Diagnostics;

namespace NtkProofs.Tests.Numerics;

/// <summary>-p:TorchBackend picks the libtorch package (MSBuild evaluation only: nothing is restored or downloaded).</summary>
public sealed class TorchBackendPropertyTests
{
    [Theory]
    [InlineData("", "libtorch-cpu-linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("cpu", "libtorch-cpu-linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("cuda", "TorchSharp-cuda-linux", "libtorch-cpu-linux-x64")]
    public void TheBackendSelectsItsPackage(string backend, string present, string absent)
    {
        var (code, output) = Msbuild("-getItem:PackageReference", backend.Length > 0 ? $"-p:TorchBackend={backend}" : "-p:Unused=1");
        Assert.Equal(0, code);
        Assert.Contains($"\"Identity\": \"{present}\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"Identity\": \"{absent}\"", output, StringComparison.Ordinal);
        Assert.Contains("\"Identity\": \"TorchSharp\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void NoneKeepsTorchSharpWithoutAnyLibtorch()
    {
        var (code, output) = Msbuild("-getItem:PackageReference", "-p:TorchBackend=none");
        Assert.Equal(0, code);
        Assert.DoesNotContain("libtorch-cpu-linux-x64", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TorchSharp-cuda-linux", output, StringComparison.Ordinal);
        Assert.Contains("\"Identity\": \"TorchSharp\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBackendIsABuildError()
    {
        var (code, output) = Msbuild("-t:CheckTorchBackend", "-p:TorchBackend=rocm");
        Assert.NotEqual(0, code);
        Assert.Contains("TorchBackend must be cpu, cuda or none, got 'rocm'", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output) Msbuild(params string[] args)
    {
        string project = Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "src", "NtkProofs", "NtkProofs.csproj");
        var psi = new ProcessStartInfo("dotnet", ["msbuild", project, "-nologo", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
