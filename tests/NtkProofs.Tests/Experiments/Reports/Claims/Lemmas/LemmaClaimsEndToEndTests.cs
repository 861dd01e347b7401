using System.Text.Json.Nodes;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>
/// The lemma experiments' typed results go through the JSON-lines form and back into C1-C4 (tiny sweeps: every claim
/// comes out inconclusive for too small a sweep, with its figures).
/// </summary>
public sealed class LemmaClaimsEndToEndTests
{
    private const long Seed = 20240620;

    private static SweepPoint Point(IExperiment experiment, params (string Name, JsonNode Value)[] values)
    {
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (name, value) in values)
        {
            resolved[name] = experiment.Parameters.Single(p => p.Name == name).Validate(value, name);
        }

        return new SweepPoint(experiment.Name, resolved);
    }

    private static SweepResults Sweep(string config, IExperiment experiment, IEnumerable<SweepPoint> points) =>
        new(config, $"experiments/configs/test/{config}.json", experiment.Name,
            points.Select(p => new SweepRecord(p, experiment.Run(p, new ExperimentContext(Seed)))).ToList());

    [Fact]
    public void TinySweepsRoundTripIntoEveryLemmaClaim()
    {
        var kc = new KernelConcentrationExperiment();
        var lt = new LazyTrainingExperiment();
        var cap = new CapacityExperiment();
        long[] ms = [16, 32, 64];
        var sweeps = new[]
        {
            Sweep(LemmaSweeps.Concentration, kc, ms.Select(m => Point(kc, ("m", m)))),
            Sweep(LemmaSweeps.Training, lt, ms.SelectMany(m => new[] { false, true }.Select(c => Point(lt, ("path", "tied"), ("centred", c), ("m", m), ("steps", 5L), ("kernel_every", 5L))))),
            Sweep(LemmaSweeps.Capacity, cap, new long[] { 2, 8 }.Select(m => Point(cap, ("m", m), ("n", 4L), ("steps", 5L)))),
        };
        var inputs = new ClaimInputs(new ReportContext("test", Path.GetTempPath(), sweeps.ToDictionary(s => s.ConfigName), "./ntkproofs report"));

        var training = inputs.Results<LazyTrainingRecord>(LemmaSweeps.Training)!;
        Assert.Equal(3, training.Count(r => r.Result.Centred));
        Assert.All(training, r => Assert.Equal(r.Point.Bool("centred"), r.Result.Centred));
        Assert.All(training, r => Assert.NotEmpty(r.Result.Curve));

        foreach (IClaim claim in new IClaim[] { new C1KernelConcentration(), new C2LazyTraining(), new C3LinearConvergence(), new C4Capacity() })
        {
            var result = claim.Evaluate(inputs);
            Assert.Equal(Verdict.Inconclusive, result.Verdict);
            Assert.False(string.IsNullOrWhiteSpace(result.Decider), claim.Id);
            Assert.NotEmpty(result.FigureList);
            Assert.NotEmpty(result.CommandList);
        }

        Assert.Contains("tied centred", new C2LazyTraining().Evaluate(inputs).Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void CapacityRefusesFixedValuesAtMEqualsOne()
    {
        var cap = new CapacityExperiment();
        var e = Assert.Throws<ArgumentException>(() => cap.Run(Point(cap, ("m", 1L)), new ExperimentContext(Seed)));
        Assert.Contains("m = 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedValueDrawsWithAConstantSignColumnAreRedrawn()
    {
        var problem = new NtkProofs.Lemmas.LemmaProblem(NtkProofs.Model.ValuePath.FixedValue, 4, 4, 2, 0.5);
        int redrawn = 0;
        for (int r = 0; r < 12; r++)
        {
            var (model, redraws) = problem.CapacityModel(2, r);
            using (model)
            {
                using var spread = model.Values!.max(0).values - model.Values!.min(0).values;
                Assert.True(spread.min().item<double>() > 0, "every sign column has both signs");
            }

            redrawn += redraws;
        }

        Assert.True(redrawn > 0, "at m = 2 with c = 2 three draws in four need a redraw");
    }
}
