using NtkProofs.Numerics;

namespace NtkProofs.Tests.Numerics;

/// <summary>The NTKPROOFS_LIBTORCH version check, on fake folders (nothing is loaded).</summary>
public sealed class LibTorchLocationTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "ntk-libtorch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AWheelOfTheWrongVersionIsRefusedNamingBothVersions()
    {
        string lib = FakeTorch("wheel-old", versionPy: "__version__ = '2.5.1+cu121'\n");
        var e = Assert.Throws<LibTorchLocationException>(() => LibTorchLocation.Check(lib));
        Assert.Contains("2.5.1+cu121", e.Message, StringComparison.Ordinal);
        Assert.Contains(LibTorchLocation.ExpectedVersion, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ALibtorchZipOfTheWrongVersionIsRefused()
    {
        string lib = FakeTorch("zip-new", buildVersion: "2.11.0+cu130\n");
        var e = Assert.Throws<LibTorchLocationException>(() => LibTorchLocation.Check(lib));
        Assert.Contains("libtorch 2.11.0+cu130 found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRightMinorVersionIsAcceptedWhateverItsCudaTag()
    {
        Assert.Equal("2.10.0+cu128", LibTorchLocation.Check(FakeTorch("wheel-ok", versionPy: "__version__ = '2.10.0+cu128'\ngit_version = 'x'\n")));
        Assert.Equal("2.10.1", LibTorchLocation.Check(FakeTorch("zip-ok", buildVersion: "2.10.1")));
    }

    [Fact]
    public void MissingFolderLibraryOrVersionFileAreOneLineErrors()
    {
        Assert.Contains("no such folder", Assert.Throws<LibTorchLocationException>(() => LibTorchLocation.Check(Path.Combine(root, "absent"))).Message, StringComparison.Ordinal);
        string empty = Path.Combine(root, "empty", "lib");
        Directory.CreateDirectory(empty);
        Assert.Contains("no libtorch.so", Assert.Throws<LibTorchLocationException>(() => LibTorchLocation.Check(empty)).Message, StringComparison.Ordinal);
        string unversioned = FakeTorch("unversioned");
        Assert.Contains("cannot tell the libtorch version", Assert.Throws<LibTorchLocationException>(() => LibTorchLocation.Check(unversioned)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectedVersionIsThePackageVersionOfTheCpuLibtorch()
    {
        string props = File.ReadAllText(Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "Directory.Packages.props"));
        Assert.Contains($"<PackageVersion Include=\"libtorch-cpu-linux-x64\" Version=\"{LibTorchLocation.ExpectedVersion}\" />", props, StringComparison.Ordinal);
        Assert.True(LibTorchLocation.SameMinor(TorchSharp.torch.__version__, LibTorchLocation.ExpectedVersion), TorchSharp.torch.__version__);
    }

    [Fact]
    public void TheCliRefusesAWrongVersionWithExitTwoBeforeTouchingTorch()
    {
        string lib = FakeTorch("cli-old", versionPy: "__version__ = '2.4.0'\n");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [typeof(NtkProofs.Experiments.Cli.CliRunner).Assembly.Location, "device"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.Environment[LibTorchLocation.Variable] = lib;
        using var process = System.Diagnostics.Process.Start(psi)!;
        string stderr = process.StandardError.ReadToEnd();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("libtorch 2.4.0 found, but TorchSharp 0.107.0 needs libtorch 2.10.0", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>A fake torch install: name/lib/libtorch.so (empty) plus an optional version file next to lib.</summary>
    private string FakeTorch(string name, string? versionPy = null, string? buildVersion = null)
    {
        string lib = Path.Combine(root, name, "lib");
        Directory.CreateDirectory(lib);
        File.WriteAllText(Path.Combine(lib, "libtorch.so"), string.Empty);
        if (versionPy is not null)
        {
            File.WriteAllText(Path.Combine(root, name, "version.py"), versionPy);
        }

        if (buildVersion is not null)
        {
            File.WriteAllText(Path.Combine(root, name, "build-version"), buildVersion);
        }

        return lib;
    }
}
