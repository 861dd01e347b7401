using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// The front commands (ntk-bound, ntk-train, lemmas, bench attention) run the report's experiments and configs: their lines
/// are bitwise the lines of <c>sweep</c> on the same config and seed, their claims the report's, and their outputs a unit.
/// </summary>
[Collection(NtkProofs.Tests.Support.SerialTorchCollection.Name)]
public sealed class FrontCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("front").FullName;

    /// <summary>Removes the test's folder.</summary>
    public void Dispose() => Directory.Delete(root, true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        return (CliRunner.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private static string SmokeConfig(string name) => Path.Combine(RepositoryPaths.ProfileConfigs("smoke"), name + ".json");

    /// <summary>Key, index, point and result of each line, as the exact stored text (equal text = equal bits, round-trip doubles).</summary>
    private static List<string> Outcomes(string jsonl) =>
        ResultStore.Read(jsonl).Select(r => $"{r.Key} {r.Index} {JsonLinesWriter.Serialize(r.Point.ToJson())} {JsonLinesWriter.Serialize(r.Result)}").ToList();

    private static List<string> Outcomes(IEnumerable<SweepResult> lines, params string[] drop) =>
        lines.Select(r =>
        {
            var result = (JsonObject)r.Result.DeepClone();
            foreach (var name in drop)
            {
                result.Remove(name);
            }

            return $"{r.Key} {r.Index} {JsonLinesWriter.Serialize(r.Point.ToJson())} {JsonLinesWriter.Serialize(result)}";
        }).ToList();

    /// <summary>ntk-bound on the smoke profile writes bitwise the lines <c>sweep</c> writes for the same configs, and the report's C5 and C6.</summary>
    [Fact]
    public void Ntk_bound_equals_the_sweep_of_the_same_config_bitwise()
    {
        string outDir = Path.Combine(root, "ntk-bound");
        var (code, _, err) = Run("ntk-bound", "--profile", "smoke", "--out", outDir);
        Assert.True(code == ExitCodes.Success, err);
        var sweeps = new Dictionary<string, SweepResults>();
        foreach (var (name, experiment) in new[] { ("identities", "ntk-identities"), ("theoremb", "ntk-bound"), ("corollary", "ntk-bound"), ("theoremb-r", "ntk-bound") })
        {
            string sweepOut = Path.Combine(root, "sweep-" + name);
            var (sweepCode, _, sweepErr) = Run("sweep", experiment, "--config", SmokeConfig(name), "--out", sweepOut, "--quiet");
            Assert.True(sweepCode == ExitCodes.Success, sweepErr);
            string sweepFile = Path.Combine(sweepOut, experiment + ".jsonl");
            var expected = Outcomes(sweepFile);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Outcomes(Path.Combine(outDir, name + ".jsonl")));
            sweeps[name] = new SweepResults(name, SmokeConfig(name), experiment, ResultStore.Read(sweepFile).Select(r => new SweepRecord(r.Point, r.Result)).ToList());
        }

        // The command's claims are the report's rules on the sweep's results.
        var inputs = new ClaimInputs(new ReportContext("smoke", root, sweeps, "report"));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "ntk-bound.json")))!.AsObject();
        var claims = summary["claims"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => c["id"]!.GetValue<string>());
        Assert.Equal(["C5", "C6"], claims.Keys.Order(StringComparer.Ordinal));
        foreach (var id in claims.Keys)
        {
            var expected = ClaimRegistry.Get(id).Evaluate(inputs);
            Assert.Equal(expected.Headline, claims[id]["headline"]!.GetValue<string>());
            Assert.Equal(expected.Numbers, claims[id]["numbers"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }

    /// <summary>Flags narrow the profile config but never change a point's numbers: every line is the sweep's line for that point.</summary>
    [Fact]
    public void Ntk_bound_flags_select_points_of_the_same_measurement()
    {
        string outDir = Path.Combine(root, "narrow");
        var (code, _, err) = Run("ntk-bound", "--profile", "smoke", "--out", outDir, "--beta", "1", "--max-log2", "10", "--fixed-degree", "2", "--exponent", "1");
        Assert.True(code == ExitCodes.Success, err);
        foreach (var name in new[] { "theoremb", "corollary" })
        {
            TorchRuntime.Configure();
            var config = SweepConfig.Load(Path.Combine(outDir, name + ".config.json"));
            var byKey = SweepRunner.Run(config.Plan(), new SweepRunOptions()).Results.ToDictionary(r => r.Key);
            var lines = ResultStore.Read(Path.Combine(outDir, name + ".jsonl"));
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.True(l.Point.Int("m") <= 1024));
            var smoke = SweepConfig.Load(SmokeConfig(name)).Plan();
            Assert.All(lines, l => Assert.NotNull(smoke.Find(l.Key)));
            Assert.Equal(Outcomes(byKey.Values.OrderBy(r => r.Index)), Outcomes(lines));
        }

        Assert.All(ResultStore.Read(Path.Combine(outDir, "theoremb.jsonl")), l => Assert.Equal(1.0, l.Point.Real("beta")));
    }

    /// <summary>ntk-train's lines equal the in-process sweep of the smoke trained config (all but the wall time).</summary>
    [Fact]
    public void Ntk_train_equals_the_sweep_of_the_same_config()
    {
        string outDir = Path.Combine(root, "train");
        var (code, _, err) = Run("ntk-train", "--profile", "smoke", "--out", outDir);
        Assert.True(code == ExitCodes.Success, err);
        TorchRuntime.Configure(); // the thread count the command ran with (CliRunner's default)
        var expected = SweepRunner.Run(SweepConfig.Load(SmokeConfig("trained")).Plan(), new SweepRunOptions()).Results;
        Assert.Equal(Outcomes(expected, "fit_seconds"), Outcomes(ResultStore.Read(Path.Combine(outDir, "trained.jsonl")), "fit_seconds"));
    }

    /// <summary>Runs the CLI in a fresh process (no state left by other tests), returning exit code, stdout and stderr.</summary>
    private static (int Code, string Stdout, string Stderr) RunProcess(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [typeof(CliRunner).Assembly.Location, .. args]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>
    /// lemmas runs the report's four lemma configs; each line equals the line of <c>sweep</c> on that config bitwise (both in
    /// fresh processes: in the full suite an in-process comparison saw last-bit differences from state other tests leave).
    /// </summary>
    [Fact]
    public void Lemmas_equals_the_sweeps_of_the_same_configs_bitwise()
    {
        string outDir = Path.Combine(root, "lemmas");
        var (code, stdout, err) = RunProcess("lemmas", "--profile", "smoke", "--out", outDir);
        Assert.True(code == ExitCodes.Success, err);
        foreach (var (name, experiment) in new[] { ("concentration", "kernel-concentration"), ("m0", "kernel-concentration"), ("training", "lazy-training"), ("capacity", "capacity") })
        {
            string sweepOut = Path.Combine(root, "lemma-sweep-" + name);
            var (sweepCode, _, sweepErr) = RunProcess("sweep", experiment, "--config", SmokeConfig(name), "--out", sweepOut, "--quiet");
            Assert.True(sweepCode == ExitCodes.Success, sweepErr);
            var wanted = Outcomes(Path.Combine(sweepOut, experiment + ".jsonl"));
            var actual = Outcomes(Path.Combine(outDir, name + ".jsonl"));
            Assert.NotEmpty(wanted);
            int first = Enumerable.Range(0, Math.Min(wanted.Count, actual.Count)).FirstOrDefault(i => wanted[i] != actual[i], -1);
            Assert.True(first < 0 && wanted.Count == actual.Count, first < 0 ? $"{name}: {actual.Count} lines, expected {wanted.Count}" : $"{name} line {first}:\n{wanted[first]}\n{actual[first]}");
        }

        foreach (var id in new[] { "C1", "C2", "C3", "C4", "C21" })
        {
            Assert.Contains(id + ":", stdout, StringComparison.Ordinal);
        }
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => File.Exists(f) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "dir");

    /// <summary>A run that fails after some sweeps finished (an odd degree is refused at its first point) leaves every earlier output byte-identical.</summary>
    /// <param name="args">The failing command's arguments ({out} is the output folder).</param>
    [Theory]
    [InlineData("ntk-bound", "--profile", "smoke", "--out", "{out}", "--degree", "3")]
    [InlineData("ntk-bound", "--profile", "smoke", "--out", "{out}", "--beta", "1000")]
    [InlineData("ntk-train", "--profile", "smoke", "--out", "{out}", "--feature", "prf:0")]
    [InlineData("lemmas", "--profile", "smoke", "--out", "{out}", "--threads", "0")]
    public void A_failing_run_leaves_every_earlier_output_byte_identical(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string outDir = Path.Combine(root, "out");
        Directory.CreateDirectory(outDir);
        foreach (var name in new[] { "identities.jsonl", "theoremb.jsonl", "corollary.jsonl", "trained.jsonl", "ntk-bound.json", "ntk-train.json", "manifest.json", "theoremb.config.json" })
        {
            File.WriteAllText(Path.Combine(outDir, name), "earlier run: " + name);
        }

        var before = Snapshot();
        var (code, _, err) = Run([.. args.Select(a => a.Replace("{out}", outDir, StringComparison.Ordinal))]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(before, Snapshot());
    }
}
