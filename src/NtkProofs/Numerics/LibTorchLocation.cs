using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NtkProofs.Numerics;

/// <summary>
/// Loads libtorch from a folder named by <see cref="Variable"/> (for a machine whose PyTorch already ships one, e.g.
/// <c>.../site-packages/torch/lib</c>), instead of the libtorch NuGet package. Must run before any TorchSharp call: it
/// checks the folder's libtorch version against <see cref="ExpectedVersion"/> and preloads its libraries by absolute
/// path, so that TorchSharp's own loader (which asks for the libraries by name) binds to them.
/// </summary>
public static partial class LibTorchLocation
{
    /// <summary>The environment variable naming the libtorch lib folder.</summary>
    public const string Variable = "NTKPROOFS_LIBTORCH";

    /// <summary>The libtorch version TorchSharp 0.107.0 is built against (the libtorch-cpu-linux-x64 package version).</summary>
    public const string ExpectedVersion = "2.10.0";

    /// <summary>The libraries preloaded, in dependency order; those absent from the folder are skipped (CPU-only torch has no CUDA ones).</summary>
    private static readonly string[] Libraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    /// <summary>The folder libtorch was loaded from, or null when the NuGet package's libtorch is used.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>The version read from the folder, or null.</summary>
    public static string? FolderVersion { get; private set; }

    /// <summary>When <see cref="Variable"/> is set: checks the version and preloads the libraries. Otherwise does nothing.</summary>
    /// <returns>True when libtorch was loaded from the folder.</returns>
    /// <exception cref="LibTorchLocationException">One line: folder missing, no libtorch in it, no version file, or the wrong version.</exception>
    public static bool LoadFromEnvironment()
    {
        string? folder = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            return false;
        }

        if (LoadedFrom == folder)
        {
            return true;
        }

        FolderVersion = Check(folder);
        foreach (string name in Libraries)
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                continue;
            }

            if (!NativeLibrary.TryLoad(path, out _))
            {
                throw new LibTorchLocationException($"{Variable}={folder}: {name} did not load (dlopen failed: a missing dependency such as the CUDA runtime, or a libstdc++ too old for it)");
            }
        }

        LoadedFrom = folder;
        return true;
    }

    /// <summary>Checks that <paramref name="folder"/> holds a libtorch of the version TorchSharp needs, without loading anything.</summary>
    /// <param name="folder">The libtorch lib folder.</param>
    /// <returns>The version found (e.g. "2.10.0+cu128").</returns>
    /// <exception cref="LibTorchLocationException">One line saying what is wrong, naming both versions when they differ.</exception>
    public static string Check(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new LibTorchLocationException($"{Variable}={folder}: no such folder (point it at the lib folder of a libtorch, e.g. .../site-packages/torch/lib)");
        }

        if (!File.Exists(Path.Combine(folder, "libtorch.so")) && !File.Exists(Path.Combine(folder, "libtorch_cpu.so")))
        {
            throw new LibTorchLocationException($"{Variable}={folder}: no libtorch.so or libtorch_cpu.so in it (point it at the lib folder of a libtorch, e.g. .../site-packages/torch/lib)");
        }

        string version = ReadVersion(folder)
            ?? throw new LibTorchLocationException($"{Variable}={folder}: cannot tell the libtorch version (no ../build-version and no ../version.py next to it); TorchSharp needs libtorch {ExpectedVersion}");
        if (!SameMinor(version, ExpectedVersion))
        {
            throw new LibTorchLocationException($"{Variable}={folder}: libtorch {version} found, but TorchSharp 0.107.0 needs libtorch {ExpectedVersion} (same major.minor); install torch=={Minor(ExpectedVersion)}.* or unset {Variable}");
        }

        return version;
    }

    /// <summary>
    /// The libtorch version next to a lib folder: <c>../build-version</c> (the libtorch zip) or <c>__version__</c> in
    /// <c>../version.py</c> (a PyTorch wheel). Null when neither exists.
    /// </summary>
    /// <param name="folder">The lib folder.</param>
    public static string? ReadVersion(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string parent = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)) ?? folder;
        string buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion))
        {
            string text = File.ReadAllText(buildVersion).Trim();
            return text.Length > 0 ? text : null;
        }

        string versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
        {
            var match = VersionLine().Match(File.ReadAllText(versionPy));
            return match.Success ? match.Groups[1].Value : null;
        }

        return null;
    }

    /// <summary>True when both versions have the same major.minor ("2.10.0+cu128" and "2.10.0" do).</summary>
    /// <param name="a">A version.</param>
    /// <param name="b">Another version.</param>
    public static bool SameMinor(string a, string b) => Minor(a) is { } x && x == Minor(b);

    private static string? Minor(string version)
    {
        var parts = version.Split('.', '+');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}")
            : null;
    }

    [GeneratedRegex("""__version__\s*=\s*['"]([^'"]+)['"]""")]
    private static partial Regex VersionLine();
}
