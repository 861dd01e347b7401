using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;
using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// Faults of issue 12 not covered by the bad-input table: a disk that fills mid-sweep, a read-only folder on resume, a full
/// disk under merge and the front commands (on a small tmpfs, root only), the eigen-solver guard on extreme but finite
/// kernels, and bit-identical runs in separate processes with MKL_CBWR reaching children.
/// </summary>
[Collection(NtkProofs.Tests.Support.SerialTorchCollection.Name)]
public sealed class ReliabilityFaultTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("faults").FullName;

    /// <summary>Unmounts anything left and removes the folder.</summary>
    public void Dispose()
    {
        foreach (var mount in Directory.EnumerateDirectories(root, "mnt*"))
        {
            Sh($"umount -l {mount}");
        }

        Directory.Delete(root, true);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        return (CliRunner.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private static bool Sh(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", command + " 2>/dev/null"]) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>A small tmpfs under the test folder, or null (and the reason said) when not root or mounting is not allowed.</summary>
    private string? Tmpfs(string name, string size = "256k")
    {
        if (Environment.UserName != "root" || !OperatingSystem.IsLinux())
        {
            Console.WriteLine($"skipped {name}: mounting a tmpfs needs root");
            return null;
        }

        string mount = Path.Combine(root, "mnt-" + name);
        Directory.CreateDirectory(mount);
        if (!Sh($"mount -t tmpfs -o size={size} tmpfs {mount}"))
        {
            Console.WriteLine($"skipped {name}: mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)");
            return null;
        }

        return mount;
    }

    /// <summary>Fills the filesystem of <paramref name="mount"/>, then frees <paramref name="freeBytes"/> (whole pages).</summary>
    private static string Fill(string mount, long freeBytes)
    {
        string filler = Path.Combine(mount, "filler");
        using (var stream = File.Create(filler))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    stream.Write(block);
                    stream.Flush();
                }
            }
            catch (IOException)
            {
                // Full.
            }

            stream.SetLength(Math.Max(0, (stream.Length / 4096 * 4096) - freeBytes));
        }

        return filler;
    }

    private static string SmokeConfig(string name) => Path.Combine(RepositoryPaths.ProfileConfigs("smoke"), name + ".json");

    private Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "filler")
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>
    /// The disk fills mid-sweep: exit 1 with one line, manifest.json says "failed" (not "running"), every complete line
    /// already written is the uninterrupted run's line, and after freeing space --resume completes to the same results.
    /// </summary>
    [Fact]
    public void A_disk_that_fills_mid_sweep_leaves_a_failed_manifest_and_intact_lines()
    {
        string? mount = Tmpfs("full-sweep");
        if (mount is null)
        {
            return;
        }

        string cfg = SmokeConfig("theoremb");
        var expected = SweepRunner.Run(SweepConfig.Load(cfg).Plan(), new SweepRunOptions()).Results;
        string outDir = Path.Combine(mount, "sweep");
        Directory.CreateDirectory(outDir);

        // Room for the two manifests (a page each) and one page of results: the disk fills after a few points.
        string filler = Fill(mount, 3 * 4096);
        var (code, _, err) = Run("sweep", "ntk-bound", "--config", cfg, "--out", outDir, "--quiet");
        Assert.True(code == ExitCodes.CheckFailed, $"exit {code}: {err}");
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!;
        Assert.Equal("failed", manifest["status"]!.GetValue<string>());

        string results = Path.Combine(outDir, "ntk-bound.jsonl");
        string text = File.ReadAllText(results);
        var complete = text.Split('\n')[..^1];
        Assert.InRange(complete.Length, 1, expected.Count - 1);
        for (int i = 0; i < complete.Length; i++)
        {
            var line = SweepResult.FromJson(JsonNode.Parse(complete[i])!.AsObject(), $"line {i + 1}");
            Assert.True(line.SameOutcome(expected[i]), $"line {i + 1} differs from the uninterrupted run");
        }

        File.Delete(filler);
        (code, _, err) = Run("sweep", "ntk-bound", "--config", cfg, "--out", outDir, "--quiet", "--resume");
        Assert.True(code == ExitCodes.Success, err);
        var resumed = ResultStore.Read(results);
        Assert.Equal(expected.Count, resumed.Count);
        Assert.All(resumed.Zip(expected), p => Assert.True(p.First.SameOutcome(p.Second)));
        Assert.Equal("completed", JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["status"]!.GetValue<string>());
    }

    /// <summary>sweep --resume on a read-only folder (with the lock file a killed run leaves) says read-only, not "lock is held".</summary>
    [Fact]
    public void Resume_on_a_read_only_folder_says_read_only()
    {
        string? mount = Tmpfs("ro-sweep");
        if (mount is null)
        {
            return;
        }

        string cfg = SmokeConfig("theoremb");
        string outDir = Path.Combine(mount, "sweep");
        var (code, _, err) = Run("sweep", "ntk-bound", "--config", cfg, "--out", outDir, "--quiet");
        Assert.True(code == ExitCodes.Success, err);
        File.WriteAllText(Path.Combine(outDir, "ntk-bound.jsonl.lock"), string.Empty); // as a kill -9 leaves it
        var before = Snapshot(outDir);
        Assert.True(Sh($"mount -o remount,ro {mount}"));
        (code, _, err) = Run("sweep", "ntk-bound", "--config", cfg, "--out", outDir, "--quiet", "--resume");
        Assert.NotEqual(ExitCodes.Success, code);
        Assert.Contains("read-only", err, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("is held", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(outDir));
    }

    /// <summary>merge and the ntk-bound front on a full disk: exit 1, one line, the earlier merged file, manifests and outputs byte-identical.</summary>
    [Fact]
    public void Merge_and_front_commands_on_a_full_disk_keep_earlier_outputs()
    {
        string? mount = Tmpfs("full-merge", "512k");
        if (mount is null)
        {
            return;
        }

        string cfg = SmokeConfig("theoremb");
        string shards = Path.Combine(root, "shards");
        foreach (int i in new[] { 1, 2 })
        {
            var (c, _, e) = Run("sweep", "ntk-bound", "--config", cfg, "--out", Path.Combine(shards, $"s{i}"), "--shard", $"{i}/2", "--quiet");
            Assert.True(c == ExitCodes.Success, e);
        }

        string mergeDir = Path.Combine(mount, "merged");
        string[] merge = ["merge", "--config", cfg, "--out", Path.Combine(mergeDir, "ntk-bound.jsonl"), "--force",
            Path.Combine(shards, "s1", "ntk-bound.shard-1-of-2.jsonl"), Path.Combine(shards, "s2", "ntk-bound.shard-2-of-2.jsonl")];
        var (code, _, err) = Run(merge);
        Assert.True(code == ExitCodes.Success, err);
        string frontDir = Path.Combine(mount, "front");
        (code, _, err) = Run("ntk-bound", "--profile", "smoke", "--out", frontDir, "--max-log2", "8");
        Assert.True(code == ExitCodes.Success, err);
        var before = Snapshot(mount);
        Assert.NotEmpty(before);

        string filler = Fill(mount, 0);
        foreach (var args in new[] { merge, ["ntk-bound", "--profile", "smoke", "--out", frontDir, "--max-log2", "8"] })
        {
            (code, _, err) = Run(args);
            Assert.True(code == ExitCodes.CheckFailed, $"{args[0]}: exit {code}: {err}");
            Assert.Single(err.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(mount));
        }

        File.Delete(filler);
        Assert.Empty(Directory.EnumerateDirectories(mount, ".*staging*"));
    }

    /// <summary>
    /// Kernels with entries near the top of float64 (prefix or values scaled to 1e300, the separate path's H up to 1e300):
    /// never a stack trace; either a one-line error with a non-zero exit and earlier outputs kept, or finite outputs.
    /// </summary>
    /// <param name="file">The input to scale.</param>
    /// <param name="factor">The factor.</param>
    [Theory]
    [InlineData("V.npy", 1e300)]
    [InlineData("V.npy", 1e150)]
    [InlineData("P.npy", 1e300)]
    public void Extreme_but_finite_kernels_give_a_one_line_error_or_finite_outputs(string file, double factor)
    {
        string input = WriteSeparateInputs("in"), output = Path.Combine(root, "out");
        ScaleInput(input, file, factor);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"earlier\": true}");
        var (code, _, err) = Run("kernel", "--in", input, "--out", output, "--variant", "separate");
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", err, StringComparison.Ordinal);
        if (code == ExitCodes.Success)
        {
            var summary = File.ReadAllText(Path.Combine(output, "summary.json"));
            Assert.DoesNotContain("NaN", summary, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", summary, StringComparison.Ordinal);
            Assert.All(NpyFile.Read(Path.Combine(output, "H.npy")).Data.ToArray(), v => Assert.True(double.IsFinite(v)));
        }
        else
        {
            Assert.Equal(ExitCodes.CheckFailed, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Equal("{\"earlier\": true}", File.ReadAllText(Path.Combine(output, "summary.json")));
        }
    }

    private string WriteSeparateInputs(string name)
    {
        string input = Path.Combine(root, name);
        Directory.CreateDirectory(input);
        var spec = PrefixModelSpec.Create(ValuePath.SeparateValue, 3, 40, 0.7, 2);
        using var model = PrefixModel.Initialize(spec, 3);
        using var x = InputSets.UnitSphere(5, 3, 4);
        NpyFile.Write(Path.Combine(input, "X.npy"), NpyArray.FromTensor(x));
        NpyFile.Write(Path.Combine(input, "P.npy"), NpyArray.FromTensor(model.Prefix));
        NpyFile.Write(Path.Combine(input, "V.npy"), NpyArray.FromTensor(model.Values!));
        return input;
    }

    private static void ScaleInput(string input, string file, double factor)
    {
        var a = NpyFile.Read(Path.Combine(input, file));
        NpyFile.Write(Path.Combine(input, file), new NpyArray(a.Shape, a.Data.Select(v => v * factor).ToArray()));
    }

    /// <summary>
    /// The eigen-solver guard: values scaled so that H is finite but its largest entries lie within a factor 2 of the float64
    /// limit (H grows as the square of the values on the separate path), so the solver's symmetrization overflows and LAPACK
    /// fails. The command refuses with one line naming the solver, exit 1, no stack trace, earlier outputs kept.
    /// </summary>
    [Fact]
    public void A_kernel_at_the_float64_limit_reaches_the_eigen_solver_guard()
    {
        string input = WriteSeparateInputs("near-limit"), probe = Path.Combine(root, "probe"), output = Path.Combine(root, "out-limit");

        // At values x 1e50 the part of H that grows with the values dominates, so H scales as the square from there on.
        ScaleInput(input, "V.npy", 1e50);
        var (code, _, err) = Run("kernel", "--in", input, "--out", probe, "--variant", "separate");
        Assert.True(code == ExitCodes.Success, err);
        double hMax = NpyFile.Read(Path.Combine(probe, "H.npy")).Data.ToArray().Max(Math.Abs);
        ScaleInput(input, "V.npy", Math.Sqrt(1.3e308 / hMax));
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"earlier\": true}");
        (code, _, err) = Run("kernel", "--in", input, "--out", output, "--variant", "separate");
        Assert.True(code == ExitCodes.CheckFailed, $"exit {code}: {err}");
        Assert.Contains("eigen-solver", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Equal("{\"earlier\": true}", File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.Single(Directory.GetFiles(output));
    }

    /// <summary>MKL_CBWR is set before libtorch loads, reaches child processes, and two runs in separate processes are bitwise equal.</summary>
    [Fact]
    public void Separate_processes_give_bit_identical_results_and_children_see_MKL_CBWR()
    {
        DeterministicBlas.Ensure();
        using (var child = Process.Start(new ProcessStartInfo("sh", ["-c", "printf %s \"$MKL_CBWR\""]) { UseShellExecute = false, RedirectStandardOutput = true })!)
        {
            string seen = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            Assert.Equal(DeterministicBlas.Value, seen);
            Assert.False(string.IsNullOrEmpty(seen));
        }

        string dll = typeof(CliRunner).Assembly.Location;
        string cfg = SmokeConfig("corollary");
        var lines = new List<List<string>>();
        for (int run = 0; run < 2; run++)
        {
            string outDir = Path.Combine(root, $"proc{run}");
            var info = new ProcessStartInfo("dotnet", [dll, "sweep", "ntk-bound", "--config", cfg, "--out", outDir, "--quiet"]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment.Remove(DeterministicBlas.Variable); // the CLI must set it itself
            using var process = Process.Start(info)!;
            string stderr = process.StandardError.ReadToEnd();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == ExitCodes.Success, stderr);
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!.AsObject();
            Assert.Equal(DeterministicBlas.Reproducible, manifest["mkl_cbwr"]!.GetValue<string>());
            lines.Add(ResultStore.Read(Path.Combine(outDir, "ntk-bound.jsonl")).Select(r => r.Key + " " + JsonLinesWriter.Serialize(r.Result)).ToList());
        }

        Assert.NotEmpty(lines[0]);
        Assert.Equal(lines[0], lines[1]);
    }
}
