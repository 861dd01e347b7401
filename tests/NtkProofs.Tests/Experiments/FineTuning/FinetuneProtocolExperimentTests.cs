using System.Text.Json.Nodes;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;

namespace NtkProofs.Tests.Experiments.FineTuning;

/// <summary>The finetune-protocol sweep experiment on the tiny encoder, its decisive config, and the protocol text of C10.</summary>
public sealed class FinetuneProtocolExperimentTests
{
    private static FinetuneProtocolExperiment Tiny() => new(FinetuneExperimentTests.Tiny());

    private static SweepPoint Point(params (string Name, JsonNode Value)[] values)
    {
        var experiment = Tiny();
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (name, value) in values)
        {
            resolved[name] = experiment.Parameters.Single(p => p.Name == name).Validate(value, name);
        }

        return new SweepPoint(FinetuneProtocolExperiment.ExperimentName, resolved);
    }

    [Fact]
    public void A_point_runs_the_search_on_validation_then_five_seeds_at_the_chosen_rate()
    {
        var point = Point(("method", "lora"), ("rank", 2), ("lr_grid", "1e-3,1e-2,1e-1"), ("step_cap", 6), ("eval_every", 2), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2));
        var status = new List<string>();
        var record = Tiny().Measure(point, new ExperimentContext(20240620) { Status = status.Add });
        Assert.Equal("run 1 of 8 (search lr 0.001)", status[0]);
        Assert.Contains("run 3 of 8 (search lr 0.1)", status);
        Assert.Contains("run 8 of 8 (seed 5)", status);
        Assert.Contains(status, s => s.StartsWith("run 4 of 8 (seed 1), evaluated ", StringComparison.Ordinal));

        Assert.Equal([1e-3, 1e-2, 1e-1], record.Search.Select(t => t.LearningRate));
        Assert.All(record.Search, t => Assert.Equal(100, t.Seed));
        Assert.Equal(LearningRateSearch.Select(record.Search).LearningRate, record.ChosenLearningRate);
        Assert.Equal([1, 2, 3, 4, 5], record.Runs.Select(r => r.Seed));
        Assert.All(record.Runs, r => Assert.Equal(record.ChosenLearningRate, r.LearningRate));
        Assert.All(record.Runs, r => Assert.Equal(48, r.TestExamples)); // 240 tiny sentences x 0.2
        Assert.Single(record.Runs.Select(r => r.SettingKey).Distinct()); // the seeds pair as one configuration
        Assert.False(record.TestStandardErrorMet); // 48 test sentences: SE up to 7 points
        Assert.Equal(0.2, record.TestFraction);
        Assert.Contains("learning-rate search on validation only", record.Protocol, StringComparison.Ordinal);
        Assert.True(record.TotalSteps >= 8 && record.SecondsPerStep > 0);

        // Stored and read back as the report does.
        var json = ResultJson.Write(record);
        Assert.Equal(json.ToJsonString(), ResultJson.Write(ResultJson.Read<FinetuneProtocolRecord>(json)).ToJsonString());
    }

    [Fact]
    public void A_search_rate_that_diverges_is_a_losing_trial_and_the_point_completes()
    {
        // 1e37: AdamW moves every weight by about 1e37 at the first step, so the next forward overflows to a NaN loss.
        var point = Point(("method", "lora"), ("rank", 2), ("lr_grid", "1e-3,1e17,1e37"), ("step_cap", 6), ("eval_every", 2), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2));
        var status = new List<string>();
        var record = Tiny().Measure(point, new ExperimentContext(20240620) { Status = status.Add });
        var diverged = record.Search.Single(t => t.LearningRate == 1e37);
        Assert.Equal(0, diverged.ValidationAccuracy);
        Assert.Contains(status, s => s.StartsWith("run 3 (search lr 1E+37): diverged at step", StringComparison.Ordinal));
        Assert.NotEqual(1e37, record.ChosenLearningRate);
        Assert.Equal(5, record.Runs.Count);
    }

    // What training decides (timings, memory and thread counts masked): equal for a resumed and an uninterrupted point.
    private static string Outcome(FinetuneProtocolRecord r) => string.Join(
        "\n",
        [
            .. r.Search.Select(t => $"{t.LearningRate:R} {t.Seed} {t.ValidationAccuracy:R} {t.ValidationLoss:R} {t.SelectedStep}"),
            $"chosen {r.ChosenLearningRate:R}",
            .. r.Runs.Select(x => $"{x.Seed} {x.LearningRate:R} {x.TestAccuracy:R} {x.ValidationAccuracy:R} {x.TestLoss:R} {x.FinalTrainLoss:R} {x.SelectedStep} {x.Steps} {x.TestCorrect} {x.ValidationCorrect} {x.SettingKey}"),
        ]);

    [Fact]
    public void A_point_cut_off_after_some_runs_resumes_from_its_stored_parts_to_the_same_record()
    {
        var point = Point(("method", "lora"), ("rank", 2), ("lr_grid", "1e-3,1e-2,1e-1"), ("step_cap", 4), ("eval_every", 2), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2));
        string folder = Directory.CreateTempSubdirectory("protocol-parts").FullName;
        try
        {
            var parts = new PointParts(folder, point.Key, 20240620, "first-session");
            var first = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = parts });
            Assert.Equal(["run-1", "run-2", "run-3", "run-4", "run-5", "run-6", "run-7", "run-8"], parts.Names);
            Assert.Empty(first.StoredRuns);
            var uninterrupted = Tiny().Measure(point, new ExperimentContext(20240620));
            Assert.Equal(Outcome(uninterrupted), Outcome(first)); // training is deterministic: the comparisons below can be exact

            // Every run stored: nothing is trained again and the record is the same, timings included.
            var status = new List<string>();
            var again = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = new PointParts(folder, point.Key, 20240620, "second-session"), Status = status.Add });
            Assert.Equal(ResultJson.Write(first with { StoredRuns = [] }).ToJsonString(), ResultJson.Write(again with { StoredRuns = [] }).ToJsonString());
            Assert.Equal(8, status.Count(s => s.EndsWith("): stored", StringComparison.Ordinal)));
            Assert.DoesNotContain(status, s => s.Contains("step", StringComparison.Ordinal));
            Assert.Equal("run 1 (search lr 0.001): first-session", again.StoredRuns[0]);
            Assert.Equal("run 8 (seed 5): first-session", again.StoredRuns[^1]);

            // Cut off after run 5 (runs 6-8 lost), and run 5's part made under another configuration: runs 5-8 are trained again.
            foreach (int run in new[] { 6, 7, 8 })
            {
                File.Delete(Path.Combine(parts.Folder, ProtocolRunPart.NameOf(run) + ".json"));
            }

            var five = ResultJson.Read<ProtocolRunPart>(parts.Read("run-5")!.Content);
            parts.Write("run-5", ResultJson.Write(five with { Config = five.Config.Replace("\"batch_size\": 8,", "\"batch_size\": 9,", StringComparison.Ordinal) }));
            Assert.NotEqual(five.Config, ResultJson.Read<ProtocolRunPart>(parts.Read("run-5")!.Content).Config);
            status.Clear();
            var resumed = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = new PointParts(folder, point.Key, 20240620, "third-session"), Status = status.Add });
            Assert.Equal(["run 1 of 8 (search lr 0.001): stored", "run 2 of 8 (search lr 0.01): stored", "run 3 of 8 (search lr 0.1): stored", "run 4 of 8 (seed 1): stored"], status.Where(s => s.EndsWith("stored", StringComparison.Ordinal)));
            Assert.Contains("run 5 of 8 (seed 2)", status);
            Assert.Equal(Outcome(first), Outcome(resumed));
            Assert.Equal(4, resumed.StoredRuns.Count);

            // The search's parts lost, the seeds' kept: the search is trained again, chooses the same rate, and the seeds are reused.
            foreach (int run in new[] { 1, 2, 3 })
            {
                File.Delete(Path.Combine(parts.Folder, ProtocolRunPart.NameOf(run) + ".json"));
            }

            status.Clear();
            var searchAgain = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = parts, Status = status.Add });
            Assert.Equal(Outcome(first), Outcome(searchAgain));
            Assert.Equal(["run 4 (seed 1): first-session", "run 5 (seed 2): third-session", "run 6 (seed 3): third-session", "run 7 (seed 4): third-session", "run 8 (seed 5): third-session"], searchAgain.StoredRuns);

            // A seed's stored rate differs from the chosen one: that seed is trained again.
            var four = ResultJson.Read<ProtocolRunPart>(parts.Read("run-4")!.Content);
            parts.Write("run-4", ResultJson.Write(four with { LearningRate = four.LearningRate * 10 }));
            status.Clear();
            var rateChanged = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = parts, Status = status.Add });
            Assert.Contains("run 4 of 8 (seed 1)", status);
            Assert.DoesNotContain("run 4 of 8 (seed 1): stored", status);
            Assert.Equal(Outcome(first), Outcome(rateChanged));

            // A part of another master seed is not reused.
            status.Clear();
            Tiny().Measure(point, new ExperimentContext(1) { Parts = new PointParts(folder, point.Key, 1), Status = status.Add });
            Assert.Contains("run 1 of 8 (search lr 0.001)", status);
            Assert.DoesNotContain(status, s => s.EndsWith("stored", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_cancelled_point_drops_the_run_in_progress_keeps_the_finished_ones_and_resumes_to_the_same_record()
    {
        var point = Point(("method", "lora"), ("rank", 2), ("lr_grid", "1e-3,1e-2,1e-1"), ("step_cap", 4), ("eval_every", 2), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2));
        string folder = Directory.CreateTempSubdirectory("protocol-cancel").FullName;
        try
        {
            // SIGTERM arrives as run 4 starts to train: the run stops before its first step, runs 1-3 stay stored.
            using var cancel = new CancellationTokenSource();
            var parts = new PointParts(folder, point.Key, 20240620, "cut");
            var context = new ExperimentContext(20240620, Cancellation: cancel.Token)
            {
                Parts = parts,
                Status = s =>
                {
                    if (s == "run 4 of 8 (seed 1)")
                    {
                        cancel.Cancel();
                    }
                },
            };
            Assert.ThrowsAny<OperationCanceledException>(() => Tiny().Measure(point, context));
            Assert.Equal(["run-1", "run-2", "run-3"], parts.Names);

            var resumed = Tiny().Measure(point, new ExperimentContext(20240620) { Parts = new PointParts(folder, point.Key, 20240620, "resumed") });
            Assert.Equal(3, resumed.StoredRuns.Count);
            Assert.Equal(Outcome(Tiny().Measure(point, new ExperimentContext(20240620))), Outcome(resumed));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_default_grid_is_three_rates_a_decade_apart_around_the_method_files_rate()
    {
        var settings = FinetuneProtocolExperiment.Settings(Point(("method", "ntk")), 1e-3);
        Assert.Equal(3, settings.LearningRates.Count);
        Assert.Equal(1e-3, settings.LearningRates[1], 15);
        Assert.Equal(1e-4, settings.LearningRates[0], 15);
        Assert.Equal(1e-2, settings.LearningRates[^1], 15);
        Assert.Equal([1, 2, 3, 4, 5], settings.Seeds);
        Assert.Throws<ArgumentException>(() => FinetuneProtocolExperiment.Settings(Point(("lr_grid", "1e-3,1e-2")), 1e-3));
    }

    [Fact]
    public void The_decisive_config_plans_every_method_on_the_three_tasks_with_the_protocols_settings()
    {
        var config = SweepConfig.Load(Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "experiments", "configs", "decisive", "finetune-protocol.json"));
        var plan = config.Plan();
        Assert.IsType<FinetuneProtocolExperiment>(config.Experiment);
        Assert.Equal(48, plan.Points.Count); // 3 tasks x 16 configurations
        Assert.Equal([1, 10, 100, 1000], plan.Points.Where(p => p.Point.Text("method") == "prefix").Select(p => p.Point.Int("prefix_length")).Distinct().Order()); // C18's real half
        Assert.All(plan.Points.Skip(45), p => Assert.Equal(1000, p.Point.Int("prefix_length"))); // appended last: the committed indices keep their points
        Assert.Equal(["polarity", "spam", "uncertainty"], plan.Points.Select(p => p.Point.Text("task")).Distinct().Order(StringComparer.Ordinal));
        Assert.All(plan.Points, p => Assert.Equal(5, p.Point.Int("seeds")));
        // The method file's grid everywhere but for NTK-Attention s = 1, 2, 8, 16, widened to 1e-1 before they ran.
        Assert.All(plan.Points.Where(p => !(p.Point.Text("method") == "ntk" && p.Point.Int("ntk_rank") is 1 or 2 or 8 or 16)), p => Assert.Equal(string.Empty, p.Point.Text("lr_grid")));
        Assert.Equal(12, plan.Points.Count(p => p.Point.Text("lr_grid") == "0.0001,0.001,0.01,0.1"));
        Assert.All(plan.Points, p => Assert.Equal(0, p.Point.Real("test_fraction")));
        Assert.Equal(6, plan.Points.Count(p => p.Point.Text("method") == "ntk" && p.Point.Text("task") == "polarity"));
    }

    [Fact]
    public void The_decisive_ablation_configs_plan_C20s_r_k_init_and_learning_rate_axes_with_five_seeds()
    {
        string folder = Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "experiments", "configs", "decisive");
        var ablations = SweepConfig.Load(Path.Combine(folder, "finetune-ablations.json"));
        Assert.IsType<FinetuneProtocolExperiment>(ablations.Experiment);
        var points = ablations.Plan().Points.Select(p => p.Point).ToList();
        Assert.Equal(21, points.Count); // 3 tasks x (5 r + 2 k init)
        Assert.All(points, p => Assert.Equal(5, p.Int("seeds")));
        Assert.Equal(["prf:128", "prf:16", "prf:256", "prf:32", "prf:64"], points.Select(p => p.Text("feature")).Where(f => f.StartsWith("prf", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([0, 0.001, 0.1], points.Select(p => p.Real("ntk_k_init")).Distinct().Order());
        foreach (var p in points)
        {
            var config = ((FinetuneProtocolExperiment)ablations.Experiment).InnerPoint(p);
            Assert.Equal("ntk", config.Text("method"));
        }

        var lr = SweepConfig.Load(Path.Combine(folder, "finetune-ablations-lr.json"));
        var lrPoints = lr.Plan().Points.Select(p => p.Point).ToList();
        Assert.Equal(2 * 7 * 5, lrPoints.Count);
        Assert.Equal(7, lrPoints.Select(p => p.Real("lr")).Distinct().Count());
        Assert.Equal(0.1, lrPoints.Max(p => p.Real("lr")));
        Assert.All(points, p => Assert.Equal("0.0001,0.001,0.01,0.1", p.Text("lr_grid")));
    }

    [Fact]
    public void C10_prints_the_protocol_whether_or_not_it_ran()
    {
        string notRun = FineTuningRuns.ProtocolDetails([]);
        Assert.Contains("not run in this profile", notRun, StringComparison.Ordinal);
        Assert.Contains("learning-rate search on validation only", notRun, StringComparison.Ordinal);
        var record = new FinetuneProtocolRecord("polarity", "ntk", "elu1, s = 4", [new(1e-4, 100, 0.7, 0.5, 300), new(1e-3, 100, 0.8, 0.4, 500), new(1e-2, 100, 0.75, 0.45, 200)], 1e-3, false, [], 0.28, 1120, true, "PROTOCOL TEXT")
        {
            TotalSteps = 4950,
            SecondsPerStep = 0.324,
            TotalSeconds = 2540,
        };
        string ran = FineTuningRuns.ProtocolDetails([record]);
        Assert.Contains("PROTOCOL TEXT", ran, StringComparison.Ordinal);
        Assert.Contains("| polarity | NTK-Attention elu1, s = 4 | 0.0001 (70.0), 0.001 (80.0), 0.01 (75.0) | 0.001 | 0 | 1120 | yes | 4950 | 0.324 | 0.71 |", ran, StringComparison.Ordinal);
        Assert.Contains("Compute: 1 protocol point(s), 3 training runs, 4,950 optimizer steps, 0.71 hours", ran, StringComparison.Ordinal);
        Assert.DoesNotContain("stored parts", ran, StringComparison.Ordinal);
        Assert.DoesNotContain("Learning-rate tuning", ran, StringComparison.Ordinal);

        // An edge choice is listed with what the grid-edge extension found beyond it.
        var edge = record with { Task = "spam", Search = [new(1e-4, 100, 0.7, 0.5, 300), new(1e-3, 100, 0.72, 0.4, 500), new(1e-2, 100, 0.75, 0.45, 200)], ChosenLearningRate = 1e-2, ChosenAtGridEdge = true, Protocol = "x (McNemar, paired bootstrap CI)." };
        string unchecked_ = FineTuningRuns.ProtocolDetails([edge]);
        Assert.Contains("Learning-rate tuning (1 configuration(s) chose a rate at a grid edge;", unchecked_, StringComparison.Ordinal);
        Assert.Contains("spam NTK-Attention elu1, s = 4: rate 0.01 at the grid edge, not checked beyond it", unchecked_, StringComparison.Ordinal);
        Assert.Contains("(McNemar; CIs of the crossed seeds x test-examples design)", unchecked_, StringComparison.Ordinal);
        string checkedText = FineTuningRuns.ProtocolDetails([edge], [new FinetuneSearchExtensionRecord("spam", "ntk", "elu1, s = 4", [new(0.1, 100, 0.70, 0.6, 100)]) { TotalSeconds = 360 }]);
        Assert.Contains("confirmed: 0.1 beyond it reached 70.0% validation against 75.0%", checkedText, StringComparison.Ordinal);
        Assert.Contains("grid-edge check: 1 search run(s), 0.10 hours", checkedText, StringComparison.Ordinal);
        string resumed = FineTuningRuns.ProtocolDetails([record with { StoredRuns = ["run 1 (search lr 0.0001): abc1234-20261202T170000Z"] }, record with { Task = "spam" }]);
        Assert.Contains("Compute: 2 protocol point(s), 6 training runs, 9,900 optimizer steps, 1.41 hours", resumed, StringComparison.Ordinal);
        Assert.Contains("1 run(s) were read from stored parts", resumed, StringComparison.Ordinal);
    }
}
