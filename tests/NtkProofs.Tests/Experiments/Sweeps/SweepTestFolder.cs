using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>A temporary folder for config and results files, deleted after the test.</summary>
public abstract class SweepTestFolder : IDisposable
{
    protected SweepTestFolder()
    {
        Root = Directory.CreateTempSubdirectory("sweeps").FullName;
    }

    protected string Root { get; }

    /// <summary>The standard test config: m over 2^2..2^4, path over two values, r over a range (18 points).</summary>
    protected const string StandardConfig = """
        {
          "experiment": "fake",
          "description": "test sweep",
          "seed": 7,
          "defaults": {"d": 3, "flag": true},
          "sweep": {"m": {"pow2": [2, 4]}, "path": ["fixed", "tied"], "r": {"range": [0.5, 1.5, 0.5]}}
        }
        """;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Root))
        {
            Directory.Delete(Root, true);
        }
    }

    protected string Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    internal SweepConfig Load(string relative, FakeExperiment? experiment = null) =>
        SweepConfig.Load(Path.Combine(Root, relative), experiment ?? new FakeExperiment());

    internal SweepPlan StandardPlan(FakeExperiment experiment) =>
        SweepConfig.Load(Write("standard.json", StandardConfig), experiment).Plan();
}
