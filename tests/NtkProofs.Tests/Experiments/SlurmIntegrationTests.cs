using System.Diagnostics;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using Xunit.Abstractions;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// <c>ntkproofs slurm submit</c>: the scripts and errors on any machine, and, where the test runs as root, a real
/// single-node Slurm brought up by <c>.ci/slurm-up.sh</c> running a smoke config as a 3-task array plus a merge job, whose
/// merged results must equal an unsharded run's (every field but timings and manifest ids).
/// </summary>
[Collection(NtkProofs.Tests.Support.SerialTorchCollection.Name)]
public sealed class SlurmIntegrationTests(ITestOutputHelper output)
{
    private static readonly string Repo = FindRepo();

    private static string Config => Path.Combine(Repo, "experiments", "configs", "smoke", "identities.json");

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void DryRunPrintsAnArrayOfNShardsAndAMergeOfAllOfThem()
    {
        string dir = Directory.CreateTempSubdirectory("slurm").FullName;
        var (code, stdout, stderr) = Cli("slurm", "submit", "--config", Config, "--shards", "3", "--out", dir, "--gres", "gpu:1", "--partition", "gpu", "--dry-run");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("#SBATCH --array=1-3", stdout, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --gres=gpu:1", stdout, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --partition=gpu", stdout, StringComparison.Ordinal);
        Assert.Contains("--shard \"$i/3\"", stdout, StringComparison.Ordinal);
        Assert.Contains("ntk-identities.shard-3-of-3.jsonl", stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir)); // dry run writes nothing
    }

    [Theory]
    [InlineData("0", "--shards must be at least 1")]
    [InlineData("1000000", "exceeds the")]
    public void BadShardCountsAreOneLineErrors(string shards, string expected)
    {
        var (code, _, stderr) = Cli("slurm", "submit", "--config", Config, "--shards", shards, "--out", Path.GetTempPath(), "--dry-run");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void RealSlurmArrayMergesToTheUnshardedResults()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            output.WriteLine("SKIPPED: the Slurm integration test needs root and apt-get (it installs and starts slurmctld/slurmd/munge)");
            return;
        }

        string pids = Path.GetTempFileName();
        var up = Exec("bash", [Path.Combine(Repo, ".ci", "slurm-up.sh")], TimeSpan.FromMinutes(6), ("SLURM_UP_PIDS", pids));
        if (up.Code == 3)
        {
            output.WriteLine("SKIPPED: " + up.Output.Trim());
            return;
        }

        Assert.True(up.Code == 0, "slurm-up failed: " + up.Output);
        try
        {
            string dir = Directory.CreateTempSubdirectory("slurm").FullName;
            string dll = Path.Combine(AppContext.BaseDirectory, "NtkProofs.Experiments.dll");
            string cli = $"dotnet '{dll}'";
            var (code, stdout, stderr) = Cli("slurm", "submit", "--config", Config, "--shards", "3", "--out", dir, "--ntkproofs", cli);
            Assert.True(code == ExitCodes.Success, stderr);
            string merged = Path.Combine(dir, "merged", "ntk-identities.jsonl");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (Exec("squeue", ["-h"], TimeSpan.FromSeconds(30)).Output.Trim().Length > 0 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }

            Assert.True(File.Exists(merged), "no merged file; logs:\n" + string.Join("\n", Directory.GetFiles(Path.Combine(dir, "logs")).Select(File.ReadAllText)));
            string plain = Path.Combine(dir, "plain");
            // The unsharded run is its own process, as the shards are: an in-process run would share this test host's
            // process-wide torch state (thread count, BLAS mode set by whichever test loaded libtorch first).
            var single = Exec("dotnet", [dll, "sweep", "ntk-identities", "--config", Config, "--out", plain, "--quiet"], TimeSpan.FromMinutes(3));
            Assert.True(single.Code == ExitCodes.Success, single.Output);
            var expected = Stable(Path.Combine(plain, "ntk-identities.jsonl"));
            var actual = Stable(merged);
            Assert.Equal(6, expected.Count);
            Assert.Equal(expected, actual);
            output.WriteLine(stdout);
        }
        finally
        {
            foreach (string pid in File.ReadAllLines(pids).Where(p => p.Length > 0).Reverse())
            {
                try
                {
                    using var p = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                    p.Kill();
                    p.WaitForExit(5000);
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
    }

    /// <summary>Each line without the fields that differ between runs by design (timings, manifest id), as exact JSON text.</summary>
    private static List<string> Stable(string path) =>
        [.. File.ReadAllLines(path).Select(l =>
        {
            var o = JsonNode.Parse(l)!.AsObject();
            o.Remove("seconds");
            o.Remove("finished_utc");
            o.Remove("manifest");
            return o.ToJsonString();
        })];

    private static (int Code, string Output) Exec(string file, string[] args, TimeSpan timeout, params (string Key, string Value)[] env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }

        using var p = Process.Start(info)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            return (-1, "timed out");
        }

        return (p.ExitCode, so.Result + se.Result);
    }

    private static string FindRepo()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "NtkProofs.sln")))
        {
            d = d.Parent;
        }

        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
