namespace NtkProofs.Experiments.Sweeps;

/// <summary>Every experiment a config can name. Add new experiments here (one line each).</summary>
public static class ExperimentRegistry
{
    private static readonly List<IExperiment> Experiments =
    [
        new Lemmas.KernelConcentrationExperiment(),
        new Lemmas.LazyTrainingExperiment(),
    ];

    /// <summary>All registered experiments.</summary>
    public static IReadOnlyList<IExperiment> All => Experiments;

    /// <summary>Finds an experiment by name; throws <see cref="ArgumentException"/> listing the known names.</summary>
    /// <param name="name">Experiment name.</param>
    public static IExperiment Get(string name) =>
        Experiments.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown experiment '{name}'; known: {string.Join(", ", Experiments.Select(e => e.Name))}");
}
