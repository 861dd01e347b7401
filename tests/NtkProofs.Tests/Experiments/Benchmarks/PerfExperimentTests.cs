using System.Text;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>
/// A smoke run of the perf experiment (tiny sizes, no Python): every goal produces a row with finite times and GEMM fractions,
/// the peer ratios say they were not measured, and the table and the report's Performance section show them. It asserts no
/// goal: timings at these sizes mean nothing.
/// </summary>
public sealed class PerfExperimentTests
{
    private static readonly string SmokeConfig = Path.Combine(RepositoryPaths.ProfileConfigs("smoke"), "perf.json");

    private static (SweepResult Line, PerfResult Result) RunSmoke()
    {
        var results = SweepRunner.Run(SweepConfig.Load(SmokeConfig).Plan(), new SweepRunOptions()).Results;
        var line = Assert.Single(results);
        return (line, ResultJson.Read<PerfResult>(line.Result));
    }

    [Fact]
    public void The_smoke_run_produces_every_goal_row_and_the_report_section()
    {
        var (line, result) = RunSmoke();
        Assert.Equal(
            ["empirical kernel, fixed", "empirical kernel, separate", "empirical kernel, tied", "prefix attention forward, L = 16", "prefix attention forward+backward, L = 16", "NTK-Attention forward (elu1), L = 16"],
            result.Rows.Select(r => r.Goal));
        Assert.False(result.AtGoalSizes);
        Assert.Equal(2, result.Threads);
        Assert.True(result.Gemm.Float64Gflops > 0 && result.Gemm.Float32Gflops > 0 && result.Gemm.BatchedFloat32Gflops > 0);
        Assert.Equal("[2, 16, 8] x [2, 8, 256]", result.Gemm.BatchedShape);
        Assert.True(result.Gemm.ExpNs("float64") is > 0 && result.Gemm.ExpNs("float32") is > 0, "the exp probe ran in both precisions");
        foreach (var row in result.Rows)
        {
            Assert.True(row.Seconds > 0 && double.IsFinite(row.Seconds), row.Goal);
            Assert.True(row.FloorSeconds is > 0, row.Goal + ": a floor");
            Assert.True(row.GemmFraction > 0 && double.IsFinite(row.GemmFraction), row.Goal);
            Assert.NotEmpty(row.Targets);
            Assert.Null(row.RatioToPeer);
        }

        // The peers did not run (python none): their ratios are not measured, and the reason is stated.
        Assert.Equal("not measured: no Python given (--python none)", result.NumpyError);
        Assert.Equal(result.NumpyError, result.TorchError);
        var kernel = result.Rows[0];
        Assert.Equal("NumPy", kernel.Peer);
        Assert.Null(kernel.Targets.Single(t => t.Quantity == "NumPy / ours").Met);
        Assert.Equal(PerfFlops.Kernel(NtkProofs.Model.ValuePath.FixedValue, 8, 4, 1, 256), kernel.Flops);
        Assert.Equal(PerfFlops.Kernel(NtkProofs.Model.ValuePath.TiedValue, 8, 4, 4, 64), result.Rows[2].Flops);
        Assert.Equal("n 8, d 4, c 4, m 64", result.Rows[2].Sizes);
        var backward = result.Rows[4];
        Assert.Equal("time / forward time", Assert.Single(backward.Targets).Quantity);
        Assert.NotNull(backward.Targets[0].Value);

        var markdown = PerfTable.Markdown(result).ToList();
        Assert.Equal("| " + string.Join(" | ", PerfTable.Columns) + " |", markdown[0]);
        Assert.Equal(2 + result.Rows.Count, markdown.TakeWhile(l => l.Length > 0).Count());
        Assert.Contains(markdown, l => l.StartsWith("| empirical kernel, fixed | n 8, d 4, c 1, m 256 |", StringComparison.Ordinal) && l.Contains("| not measured |", StringComparison.Ordinal));
        Assert.Contains(markdown, l => l.Contains("the verdicts are indicative only", StringComparison.Ordinal));
        Assert.Equal(OpenMpSettings.Describe(), result.OpenMp); // the settings the timings ran under are stated
        Assert.Contains(PerfTable.Context(result), l => l.StartsWith("OpenMP (libtorch's pool): OMP_WAIT_POLICY ", StringComparison.Ordinal) && l.Contains("GOMP_SPINCOUNT", StringComparison.Ordinal));
        Assert.DoesNotContain(PerfTable.Context(result with { OpenMp = string.Empty }), l => l.StartsWith("OpenMP", StringComparison.Ordinal)); // results stored before

        var sweeps = new Dictionary<string, SweepResults> { ["perf"] = new("perf", "experiments/configs/smoke/perf.json", "perf", [new SweepRecord(line.Point, line.Result)]) };
        var md = new StringBuilder();
        PerformanceSection.Append(md, new ReportContext("smoke", Path.GetTempPath(), sweeps, "./ntkproofs report --profile smoke"));
        string text = md.ToString();
        Assert.StartsWith("## Performance", text, StringComparison.Ordinal);
        Assert.Contains(markdown[2], text, StringComparison.Ordinal);
        Assert.Contains("`./ntkproofs sweep perf --config experiments/configs/smoke/perf.json`", text, StringComparison.Ordinal);
        Assert.Contains("./ntkproofs bench perf --profile smoke", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Peers_run_with_their_libraries_OpenMP_defaults_and_our_thread_count()
    {
        // /usr/bin/env as the "interpreter" prints the environment the peer would get.
        Environment.SetEnvironmentVariable("GOMP_SPINCOUNT", "12345");
        try
        {
            var (code, stdout, _) = BaselineProcess.Run("/usr/bin/env", [], 3);
            Assert.Equal(0, code);
            var lines = stdout.Split('\n');
            Assert.Contains("OPENBLAS_NUM_THREADS=3", lines);
            Assert.Contains("OMP_NUM_THREADS=3", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("GOMP_SPINCOUNT=", StringComparison.Ordinal) || l.StartsWith("OMP_WAIT_POLICY=", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOMP_SPINCOUNT", null);
        }
    }

    [Fact]
    public void Without_the_perf_sweep_the_section_says_how_to_run_it()
    {
        var md = new StringBuilder();
        PerformanceSection.Append(md, new ReportContext("smoke", Path.GetTempPath(), new Dictionary<string, SweepResults>(), "./ntkproofs report --profile smoke"));
        Assert.Contains("The 'perf' sweep did not run in this profile. Regenerate: `./ntkproofs bench perf --profile full --python /usr/bin/python3 --out reports/perf`.", md.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_profile_has_a_perf_config_and_quick_and_full_run_at_the_goal_sizes()
    {
        foreach (string profile in new[] { "smoke", "quick", "full" })
        {
            var plan = SweepConfig.Load(Path.Combine(RepositoryPaths.ProfileConfigs(profile), "perf.json")).Plan();
            var point = Assert.Single(plan.Points).Point;
            var options = PerfExperiment.Options(point, 1);
            Assert.Equal(profile != "smoke", options.AtGoalSizes);
            Assert.Equal(profile == "smoke" ? "none" : "/usr/bin/python3", point.Text("python"));
        }
    }

    [Fact]
    public void Bad_lengths_are_refused_in_one_line()
    {
        var experiment = new PerfExperiment();
        var values = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        values["lengths"] = System.Text.Json.Nodes.JsonValue.Create("128,abc")!;
        var e = Assert.Throws<ArgumentException>(() => PerfExperiment.Options(new SweepPoint("perf", values), 1));
        Assert.Equal("perf: lengths must be comma-separated integers, got '128,abc'", e.Message);
    }
}
