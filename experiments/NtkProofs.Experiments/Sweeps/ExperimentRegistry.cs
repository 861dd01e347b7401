namespace NtkProofs.Experiments.Sweeps;

/// <summary>Every experiment a config can name. Add new experiments here (one line each).</summary>
public static class ExperimentRegistry
{
    private static readonly List<IExperiment> Experiments =
    [
        new Lemmas.KernelConcentrationExperiment(),
        new Lemmas.LazyTrainingExperiment(),
        new Lemmas.CapacityExperiment(),
        new Lemmas.CausalLemmasExperiment(),
        new AttentionExperiments.NtkIdentitiesExperiment(),
        new AttentionExperiments.NtkBoundExperiment(),
        new AttentionExperiments.NtkTrainedExperiment(),
        new AttentionExperiments.AttentionBenchExperiment(),
        new AttentionExperiments.ReleasedDefectsExperiment(),
        new FineTuning.FinetuneExperiment(),
        new FineTuning.FinetuneProtocolExperiment(),
        new FineTuning.FinetuneSearchExtensionExperiment(),
        new FineTuning.PrefixConversionExperiment(),
        new WidthExperiments.InferenceOverheadExperiment(),
        new WidthExperiments.SmallPrefixExperiment(),
        new WidthExperiments.WidthBenchExperiment(),
        new WidthExperiments.RealBetaExperiment(),
        new Benchmarks.PerfExperiment(),
    ];

    /// <summary>All registered experiments.</summary>
    public static IReadOnlyList<IExperiment> All => Experiments;

    /// <summary>Finds an experiment by name; throws <see cref="ArgumentException"/> listing the known names.</summary>
    /// <param name="name">Experiment name.</param>
    public static IExperiment Get(string name) =>
        Experiments.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown experiment '{name}'; known: {string.Join(", ", Experiments.Select(e => e.Name))}");

    /// <summary>
    /// Adds an experiment for the rest of the process, so configs and the CLI can name it. Used by tests to register their
    /// own experiments; registering the same type under the same name again is a no-op.
    /// </summary>
    /// <param name="experiment">The experiment.</param>
    internal static void Register(IExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        lock (Experiments)
        {
            var existing = Experiments.FirstOrDefault(e => e.Name == experiment.Name);
            if (existing is null)
            {
                Experiments.Add(experiment);
            }
            else if (existing.GetType() != experiment.GetType())
            {
                throw new ArgumentException($"an experiment named '{experiment.Name}' is already registered ({existing.GetType().Name})", nameof(experiment));
            }
        }
    }
}
