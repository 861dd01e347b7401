using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>The config loader: format, defaults, axes, extends, and clear errors naming the file and the key.</summary>
public sealed class SweepConfigTests : SweepTestFolder
{
    private T Fails<T>(string json, params string[] expected)
        where T : Exception
    {
        string path = Write("bad.json", json);
        var e = Assert.Throws<T>(() => SweepConfig.Load(path, new FakeExperiment()));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        foreach (string s in expected)
        {
            Assert.Contains(s, e.Message, StringComparison.Ordinal);
        }

        return e;
    }

    [Fact]
    public void LoadsDefaultsSpecDefaultsAndEveryAxisForm()
    {
        var config = SweepConfig.Load(Write("c.json", StandardConfig), new FakeExperiment());
        Assert.Equal("fake", config.Experiment.Name);
        Assert.Equal("test sweep", config.Description);
        Assert.Equal(7, config.Seed);
        Assert.Equal(3, config.Defaults["d"].GetValue<long>());
        Assert.True(config.Defaults["flag"].GetValue<bool>());
        Assert.Equal(0, config.Defaults["replicate"].GetValue<long>()); // spec default
        Assert.Equal(["m", "path", "r"], config.Axes.Select(a => a.Name));
        Assert.Equal([4L, 8L, 16L], config.Axes[0].Values.Select(v => v.GetValue<long>()));
        Assert.Equal(["fixed", "tied"], config.Axes[1].Values.Select(v => v.GetValue<string>()));
        Assert.Equal([0.5, 1.0, 1.5], config.Axes[2].Values.Select(v => v.GetValue<double>()));
        Assert.Equal(64, config.Fingerprint.Length);
    }

    [Fact]
    public void SeedDefaultsToTheMasterSeedAndNoSweepIsOnePoint()
    {
        var config = SweepConfig.Load(Write("c.json", """{"experiment": "fake", /* comments and trailing commas are fine */ "defaults": {"m": 32,},}"""), new FakeExperiment());
        Assert.Equal(NtkProofs.Numerics.Seeds.Master, config.Seed);
        var plan = config.Plan();
        Assert.Single(plan.Points);
        Assert.Equal(32, plan.Points[0].Point.Int("m"));
    }

    [Fact]
    public void AParameterInDefaultsAndSweepIsSweptButItsDefaultIsStillValidated()
    {
        var plan = SweepConfig.Load(Write("c.json", """{"experiment": "fake", "defaults": {"m": 2}, "sweep": {"m": [5, 6]}}"""), new FakeExperiment()).Plan();
        Assert.Equal([5L, 6L], plan.Points.Select(p => p.Point.Int("m")));
        Fails<ArgumentException>("""{"experiment": "fake", "defaults": {"m": 0}, "sweep": {"m": [5, 6]}}""", "defaults", "'m'", "out of range");
    }

    [Fact]
    public void UnknownTopLevelKeyIsNamedWithASuggestion() =>
        Fails<ArgumentException>("""{"experiment": "fake", "swep": {"m": [1]}}""", "unknown key 'swep'", "did you mean 'sweep'");

    [Fact]
    public void UnknownParameterIsNamedInDefaultsAndInSweep()
    {
        Fails<ArgumentException>("""{"experiment": "fake", "defaults": {"mm": 1}}""", "defaults.mm", "unknown parameter 'mm'", "did you mean 'm'", "its parameters are m, d, r");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"width": [1, 2]}}""", "sweep.width", "unknown parameter 'width'");
    }

    [Fact]
    public void WrongTypesAreNamed()
    {
        Fails<ArgumentException>("""{"experiment": "fake", "defaults": {"m": "big"}}""", "defaults", "'m' must be an integer", "\"big\"");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"path": ["fixed", 3]}}""", "sweep.path[1]", "'path' must be a string");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"flag": [true, "no"]}}""", "sweep.flag[1]", "true or false");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": 5}}""", "sweep.m must be a list of values", "belongs in 'defaults'");
        Fails<ArgumentException>("""{"experiment": "fake", "seed": 1.5}""", "'seed' must be a whole number");
        Fails<ArgumentException>("""{"experiment": "fake", "defaults": [1]}""", "'defaults' must be an object");
        Fails<ArgumentException>("""{"experiment": 3}""", "'experiment' must be a non-empty string");
    }

    [Fact]
    public void OutOfRangeValuesAndBadAxisExpressionsAreNamed()
    {
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"d": [1, 65]}}""", "sweep.d[1]", "'d' = 65 is out of range [1, 64]");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"path": ["fixed", "wide"]}}""", "sweep.path[1]", "must be one of fixed, separate, tied");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": {"pow2": [10, 21]}}}""", "sweep.m (2^21)", "out of range");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": {"pow2": [5, 2]}}}""", "sweep.m", "0 <= from <= to <= 62");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": {"range": [1, 10, 0]}}}""", "sweep.m", "step must be non-zero");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": {"range": [1, 10, 1.5]}}}""", "sweep.m", "needs whole from, to and step");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"path": {"pow2": [1, 2]}}}""", "sweep.path", "needs a numeric parameter");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": {"steps": [1, 2]}}}""", "sweep.m", "exactly one of");
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": [4, 4]}}""", "sweep.m", "value 4 appears twice");
    }

    [Fact]
    public void EmptyAxisIsAnError() =>
        Fails<ArgumentException>("""{"experiment": "fake", "sweep": {"m": [4], "d": []}}""", "sweep.d", "empty");

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(Root, "nope.json");
        var e = Assert.Throws<FileNotFoundException>(() => SweepConfig.Load(path, new FakeExperiment()));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedJsonReportsLineAndPosition()
    {
        var e = Fails<InvalidDataException>("{\n  \"experiment\": \"fake\",\n  \"sweep\": {\"m\": [1, 2,, 3]}\n}", "malformed JSON at line 3");
        Assert.DoesNotContain("LineNumber:", e.Message, StringComparison.Ordinal);
        Fails<InvalidDataException>("", "malformed JSON");
        Fails<InvalidDataException>("[1, 2]", "must be a JSON object");
        Fails<InvalidDataException>("""{"experiment": "fake", "experiment": "fake"}""", "malformed JSON", "experiment");
    }

    [Fact]
    public void ExperimentMustBeKnownAndPresent()
    {
        Fails<ArgumentException>("""{"defaults": {"m": 1}}""", "missing key 'experiment'");
        string path = Write("other.json", """{"experiment": "nonesuch"}""");
        var e = Assert.Throws<ArgumentException>(() => SweepConfig.Load(path));
        Assert.Contains("unknown experiment 'nonesuch'", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtendsMergesDefaultsReplacesAxesAndAppendsNewOnes()
    {
        Write("base/base.json", """
            {"experiment": "fake", "description": "base", "seed": 1,
             "defaults": {"d": 3, "r": 1.0},
             "sweep": {"m": [4, 8], "path": ["fixed", "tied"], "replicate": [0, 1]}}
            """);
        string child = Write("child.json", """
            {"extends": "base/base.json", "seed": 2,
             "defaults": {"r": 2.5},
             "sweep": {"path": ["separate"], "replicate": null, "d": [1, 2]}}
            """);
        var config = SweepConfig.Load(child, new FakeExperiment());
        Assert.Equal("base", config.Description);
        Assert.Equal(2, config.Seed);
        Assert.Equal(3, config.Defaults["d"].GetValue<long>());
        Assert.Equal(2.5, config.Defaults["r"].GetValue<double>());
        Assert.Equal(["m", "path", "d"], config.Axes.Select(a => a.Name));
        Assert.Equal(["separate"], config.Axes[1].Values.Select(v => v.GetValue<string>()));
        Assert.Equal([Path.GetFullPath(child), Path.Combine(Root, "base", "base.json")], config.Files);
        Assert.Equal(4, config.Plan().Points.Count);

        // Axes a file lists come in its order, after the inherited axes it does not mention.
        string reorder = Write("reorder.json", """{"extends": "base/base.json", "sweep": {"replicate": [0, 1, 2], "m": [16]}}""");
        Assert.Equal(["path", "replicate", "m"], SweepConfig.Load(reorder, new FakeExperiment()).Axes.Select(a => a.Name));
    }

    [Fact]
    public void ExtendsErrorsNameTheFileThatHasTheProblem()
    {
        Write("base.json", """{"experiment": "fake", "defaults": {"d": 99}}""");
        string child = Write("child.json", """{"extends": "base.json"}""");
        var e = Assert.Throws<ArgumentException>(() => SweepConfig.Load(child, new FakeExperiment()));
        Assert.Contains(Path.Combine(Root, "base.json") + ": defaults", e.Message, StringComparison.Ordinal);

        string orphan = Write("orphan.json", """{"extends": "missing/base.json"}""");
        var missing = Assert.Throws<FileNotFoundException>(() => SweepConfig.Load(orphan, new FakeExperiment()));
        Assert.Contains(orphan, missing.Message, StringComparison.Ordinal);
        Assert.Contains("missing/base.json", missing.Message, StringComparison.Ordinal);

        string remover = Write("remover.json", """{"experiment": "fake", "sweep": {"m": null}}""");
        Assert.Contains("no config this one extends sweeps 'm'", Assert.Throws<ArgumentException>(() => SweepConfig.Load(remover, new FakeExperiment())).Message, StringComparison.Ordinal);

        Write("other-base.json", """{"experiment": "other"}""");
        string mismatch = Write("mismatch.json", """{"extends": "other-base.json", "experiment": "fake"}""");
        Assert.Contains("is for 'other'", Assert.Throws<ArgumentException>(() => SweepConfig.Load(mismatch, new FakeExperiment())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtendsCycleIsDetected()
    {
        Write("a.json", """{"extends": "b.json", "experiment": "fake"}""");
        Write("b.json", """{"extends": "sub/../a.json"}""");
        var e = Assert.Throws<ArgumentException>(() => SweepConfig.Load(Path.Combine(Root, "a.json"), new FakeExperiment()));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Contains("a.json -> ", e.Message, StringComparison.Ordinal);
        Assert.Contains("b.json", e.Message, StringComparison.Ordinal);

        Write("self.json", """{"extends": "self.json", "experiment": "fake"}""");
        Assert.Contains("cycle", Assert.Throws<ArgumentException>(() => SweepConfig.Load(Path.Combine(Root, "self.json"), new FakeExperiment())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FingerprintIsEqualForEquivalentConfigs()
    {
        var a = SweepConfig.Load(Write("a.json", """{"experiment": "fake", "sweep": {"m": [4, 8, 16]}, "defaults": {"r": 1}}"""), new FakeExperiment());
        var b = SweepConfig.Load(Write("b.json", """{"defaults": {"r": 1.0}, "experiment": "fake", "description": "x", "sweep": {"m": {"pow2": [2, 4]}}}"""), new FakeExperiment());
        var c = SweepConfig.Load(Write("c.json", """{"experiment": "fake", "sweep": {"m": [4, 8, 16]}, "defaults": {"r": 1}, "seed": 3}"""), new FakeExperiment());
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
        Assert.True(JsonNode.DeepEquals(a.ToJson(), b.ToJson()));
    }

    [Fact]
    public void BundlesSetOtherParametersAtTheirItemsOnly()
    {
        var config = SweepConfig.Load(Write("b.json", """
            {"experiment": "fake", "defaults": {"d": 3},
             "sweep": {"replicate": [0, 1], "path": ["fixed", {"path": "tied", "m": 64}, {"path": "tied", "m": 128, "flag": true}, {"path": "fixed", "m": 8}]}}
            """), new FakeExperiment());
        var axis = config.Axes[1];
        Assert.Equal(["fixed", "tied", "tied", "fixed"], axis.Values.Select(v => v.GetValue<string>()));
        Assert.Equal(["flag", "m"], axis.BoundNames.Order(StringComparer.Ordinal));
        Assert.Equal("""{"path":"tied","flag":true,"m":128}""", axis.Item(2).ToJsonString());
        var plan = config.Plan();
        Assert.Equal(8, plan.Points.Count);
        var described = plan.Points.Select(p => (p.Point.Int("replicate"), p.Point.Text("path"), p.Point.Int("m"), p.Point.Bool("flag"))).ToList();
        Assert.Equal(
            [(0L, "fixed", 16L, false), (0L, "tied", 64L, false), (0L, "tied", 128L, true), (0L, "fixed", 8L, false), (1L, "fixed", 16L, false), (1L, "tied", 64L, false), (1L, "tied", 128L, true), (1L, "fixed", 8L, false)],
            described);
        Assert.Equal(8, plan.Points.Select(p => p.Point.Key).Distinct().Count());
        Assert.Equal("replicate=0, path=\"fixed\"", plan.Describe(plan.Points[0].Point));
        Assert.Equal("replicate=0, path=\"tied\", m=64", plan.Describe(plan.Points[1].Point));
        Assert.Equal("replicate=1, path=\"tied\", flag=true, m=128", plan.Describe(plan.Points[6].Point));
        Assert.Equal("replicate=1, path=\"fixed\", m=8", plan.Describe(plan.Points[7].Point));

        // A plain config's fingerprint does not change with the bundle support; a bundle changes it.
        var plain = SweepConfig.Load(Write("p.json", """{"experiment": "fake", "sweep": {"path": ["fixed", "tied"]}}"""), new FakeExperiment());
        var bundled = SweepConfig.Load(Write("q.json", """{"experiment": "fake", "sweep": {"path": ["fixed", {"path": "tied", "m": 16}]}}"""), new FakeExperiment());
        Assert.Equal("""[{"name":"path","values":["fixed","tied"]}]""", plain.ToJson()["sweep"]!.ToJsonString());
        Assert.NotEqual(plain.Fingerprint, bundled.Fingerprint);
    }

    [Theory]
    [InlineData("""{"experiment": "fake", "sweep": {"path": [{"m": 4}]}}""", "must set the axis parameter 'path'")]
    [InlineData("""{"experiment": "fake", "sweep": {"path": [{"path": "tied", "mm": 4}]}}""", "unknown parameter 'mm'")]
    [InlineData("""{"experiment": "fake", "sweep": {"path": [{"path": "tied", "m": 0}]}}""", "'m' = 0 is out of range")]
    [InlineData("""{"experiment": "fake", "sweep": {"path": [{"path": "tied", "m": 4}, {"m": 4, "path": "tied"}]}}""", "appears twice")]
    [InlineData("""{"experiment": "fake", "sweep": {"m": [1, 2], "path": [{"path": "tied", "m": 4}]}}""", "also an axis")]
    [InlineData("""{"experiment": "fake", "sweep": {"d": [{"d": 1, "m": 2}], "path": [{"path": "tied", "m": 4}]}}""", "bundle it in one axis only")]
    public void BadBundlesAreNamed(string json, string fragment) => Fails<ArgumentException>(json, fragment);
}
