using System.Text.Json.Nodes;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.FineTuning;

/// <summary>The grid-edge extension of the protocol's search: it repeats the protocol's search run exactly, at other rates.</summary>
public sealed class FinetuneSearchExtensionExperimentTests
{
    private static SweepPoint Point(IExperiment experiment, string name, params (string Name, JsonNode Value)[] values)
    {
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (n, value) in values)
        {
            resolved[n] = experiment.Parameters.Single(p => p.Name == n).Validate(value, n);
        }

        return new SweepPoint(name, resolved);
    }

    private static readonly (string, JsonNode)[] Shared = [("method", "lora"), ("rank", 2), ("step_cap", 6), ("eval_every", 2), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2)];

    [Fact]
    public void The_extension_run_at_a_grid_rate_reproduces_the_protocols_search_run_and_never_evaluates_test()
    {
        var protocol = new FinetuneProtocolExperiment(FinetuneExperimentTests.Tiny());
        var record = protocol.Measure(Point(protocol, FinetuneProtocolExperiment.ExperimentName, [.. Shared, ("lr_grid", "1e-3,1e-2,1e-1")]), new ExperimentContext(20240620));
        var extension = new FinetuneSearchExtensionExperiment(new FinetuneProtocolExperiment(FinetuneExperimentTests.Tiny()));
        Assert.DoesNotContain(extension.Parameters, p => p.Name is "seeds" or "lr_grid");
        var status = new List<string>();
        var beyond = extension.Measure(Point(extension, FinetuneSearchExtensionExperiment.ExperimentName, [.. Shared, ("rates", "0.1, 1")]), new ExperimentContext(20240620) { Status = status.Add });

        Assert.Equal([0.1, 1.0], beyond.Search.Select(t => t.LearningRate));
        Assert.All(beyond.Search, t => Assert.Equal(100, t.Seed));
        Assert.Equal((record.Task, record.Method, record.Settings), (beyond.Task, beyond.Method, beyond.Settings));
        var same = record.Search.Single(t => t.LearningRate == 0.1);
        Assert.Equal(same, beyond.Search[0]); // same split, schedule, seed: the very same run
        Assert.Equal("run 1 of 2 (search lr 0.1)", status[0]);
        Assert.DoesNotContain(status, s => s.Contains("evaluated test", StringComparison.Ordinal));
        Assert.True(beyond.SecondsPerStep > 0);
        var json = ResultJson.Write(beyond);
        Assert.Equal(json.ToJsonString(), ResultJson.Write(ResultJson.Read<FinetuneSearchExtensionRecord>(json)).ToJsonString());
    }

    [Fact]
    public void Rates_must_be_positive_numbers()
    {
        Assert.Equal([0.1, 1.0], FinetuneSearchExtensionExperiment.ParseRates("0.1,1"));
        Assert.Contains("not a positive number", Assert.Throws<ArgumentException>(() => FinetuneSearchExtensionExperiment.ParseRates("0.1,x")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FinetuneSearchExtensionExperiment.ParseRates("-1"));
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => FinetuneSearchExtensionExperiment.ParseRates(" ")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decisive_config_extends_protocol_points_with_their_settings()
    {
        string folder = Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "experiments", "configs", "decisive");
        var extension = SweepConfig.Load(Path.Combine(folder, "finetune-lr-extension.json"));
        Assert.IsType<FinetuneSearchExtensionExperiment>(extension.Experiment);
        // The protocol's grid and its NTK-Attention ablations (both run the finetune-protocol experiment).
        var protocolPoints = new[] { "finetune-protocol.json", "finetune-ablations.json" }.SelectMany(f => SweepConfig.Load(Path.Combine(folder, f)).Plan().Points.Select(p => p.Point)).ToList();
        var points = extension.Plan().Points.Select(p => p.Point).ToList();
        Assert.NotEmpty(points);
        foreach (var p in points)
        {
            // Every parameter of the extension point (but its rates) equals that of exactly one protocol point.
            var own = p.ToJson();
            var match = protocolPoints.Where(q => own.Where(kv => kv.Key != "rates").All(kv => JsonNode.DeepEquals(kv.Value, q.ToJson()[kv.Key]))).ToList();
            var extended = Assert.Single(match);
            // Beyond the point's grid top: its lr_grid where it sets one, else the default grid's (the method file's rate x 10:
            // 1e-2 for NTK-Attention, 1e-1 for P-Tuning v2).
            string grid = extended.Text("lr_grid");
            double top = grid.Length > 0 ? FinetuneSearchExtensionExperiment.ParseRates(grid).Max() : p.Text("method") == "prefix" ? 0.1 : 0.01;
            Assert.All(FinetuneSearchExtensionExperiment.ParseRates(p.Text("rates")), r => Assert.True(r > top, $"{p.Text("method")} rate {r}"));
        }
    }

    [Fact]
    public void The_widened_grid_config_repeats_decisive_points_with_the_grid_moved_up_a_decade()
    {
        string folder = Path.Combine(NtkProofs.Experiments.Cli.RepositoryPaths.Root(), "experiments", "configs", "decisive");
        var wide = SweepConfig.Load(Path.Combine(folder, "finetune-protocol-wide.json"));
        Assert.IsType<FinetuneProtocolExperiment>(wide.Experiment);
        // The protocol's grid and its NTK-Attention ablations (both run the finetune-protocol experiment).
        var protocolPoints = new[] { "finetune-protocol.json", "finetune-ablations.json" }.SelectMany(f => SweepConfig.Load(Path.Combine(folder, f)).Plan().Points.Select(p => p.Point)).ToList();
        var points = wide.Plan().Points.Select(p => p.Point).ToList();
        Assert.NotEmpty(points);
        foreach (var p in points)
        {
            var own = p.ToJson();
            Assert.Single(protocolPoints, q => own.Where(kv => kv.Key != "lr_grid").All(kv => JsonNode.DeepEquals(kv.Value, q.ToJson()[kv.Key])));
            Assert.Equal([0.01, 0.1, 1.0], NtkProofs.FineTuning.LearningRateSearch.ParseGrid(p.Text("lr_grid"))); // starts at the decisive grid's top (1e-2 for NTK-Attention)
        }
    }
}
