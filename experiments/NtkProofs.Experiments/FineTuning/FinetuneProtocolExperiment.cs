using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// Issue 10's decisive fine-tuning protocol (<see cref="FineTuneProtocol"/>) as a sweep experiment: one point is one
/// method configuration on one task, and runs the whole protocol there (learning-rate search on validation with one
/// seed, then the seeds at the chosen rate, early stopping, test once per run, a test split re-drawn for SE &lt;= 1.5
/// points). Points are independent, so the sweep machinery shards (<c>--shard i/N</c>) and resumes (<c>--resume</c>) them.
/// Method settings come from <c>experiments/configs/finetune/</c> exactly as for <see cref="FinetuneExperiment"/>.
/// </summary>
public sealed class FinetuneProtocolExperiment : TypedExperiment<FinetuneProtocolRecord>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "finetune-protocol";

    /// <summary>The validation fraction per class (the test fraction is derived, see <see cref="FineTuneProtocol.TestFractionFor"/>).</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>
    /// The default grid around the method file's rate r: r x 10^{-1, 0, 1}, the issue's least log grid (3 values; a decade
    /// apart, so a method whose file rate is off by 10x is still found; each search run costs as much as a seed, and on the
    /// 2-core CPU machine a point costs one to two hours of a core).
    /// </summary>
    public static readonly IReadOnlyList<double> DefaultGridFactors = [0.1, 1, 10];

    private static readonly string[] Inherited = ["seed", "lr", "steps"];
    private readonly FinetuneExperiment inner;

    /// <summary>The real experiment (all-MiniLM-L6-v2, Debian python3-pattern data).</summary>
    public FinetuneProtocolExperiment()
        : this(new FinetuneExperiment())
    {
    }

    /// <summary>The protocol over another single-run experiment (tests: a tiny encoder).</summary>
    /// <param name="inner">Resolves and runs one fine-tuning.</param>
    public FinetuneProtocolExperiment(FinetuneExperiment inner)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Parameters =
        [
            .. inner.Parameters.Where(p => !Inherited.Contains(p.Name)),
            ParameterSpec.Text("lr_grid", string.Empty, "learning-rate grid: a,b,c (increasing, log-spaced) or log:LOW:HIGH:N; empty = the method file's rate x 10^{-1, -1/2, 0, 1/2, 1}"),
            ParameterSpec.Int("search_seed", 100, "the one training seed of the learning-rate search", 0, int.MaxValue),
            ParameterSpec.Int("seeds", FineTuneProtocol.MinimumSeeds, "seeds at the chosen rate (1, 2, ..., N)", FineTuneProtocol.MinimumSeeds, 100),
            ParameterSpec.Int("step_cap", 2000, "most optimizer steps per run (the schedule's length)", 1, 1_000_000),
            ParameterSpec.Int("eval_every", 100, "steps between validation evaluations (early stopping)", 1, 1_000_000),
            ParameterSpec.Int("patience", 5, "evaluations without a better validation accuracy before stopping", 1, 10_000),
            ParameterSpec.Real("test_fraction", 0, "test fraction per class; 0 = the smallest multiple of 0.01 giving >= 1112 test sentences (SE <= 1.5 points at any accuracy); > 0 only for checks (the record then says whether SE <= 1.5 holds)", 0, 0.5),
        ];
    }

    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "issue 10's protocol for one method configuration on one task: learning-rate search on validation (one seed), then N seeds at the chosen rate with early stopping; test once per run on a split with SE <= 1.5 points";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The protocol's settings of a point (the grid around <paramref name="methodRate"/> when the point gives none).</summary>
    /// <param name="point">The point.</param>
    /// <param name="methodRate">The method file's learning rate.</param>
    public static FineTuneProtocolSettings Settings(SweepPoint point, double methodRate)
    {
        ArgumentNullException.ThrowIfNull(point);
        string grid = point.Text("lr_grid");
        var rates = grid.Length == 0 ? [.. DefaultGridFactors.Select(f => methodRate * f)] : LearningRateSearch.ParseGrid(grid);
        int seeds = (int)point.Int("seeds");
        return new FineTuneProtocolSettings(rates, (int)point.Int("search_seed"), [.. Enumerable.Range(1, seeds)], (int)point.Int("step_cap"), (int)point.Int("eval_every"), (int)point.Int("patience")).Validated();
    }

    /// <summary>The single-run point of <see cref="FinetuneExperiment"/> with this point's method, task and schedule.</summary>
    /// <param name="point">A protocol point.</param>
    public SweepPoint InnerPoint(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var values = inner.Parameters.ToDictionary(p => p.Name, p => p.Default.DeepClone());
        var own = point.ToJson();
        foreach (var name in values.Keys.ToList())
        {
            if (own[name] is { } v)
            {
                values[name] = v.DeepClone();
            }
        }

        values["steps"] = JsonValue.Create(point.Int("step_cap"));
        return new SweepPoint(FinetuneExperiment.ExperimentName, values);
    }

    /// <inheritdoc />
    public override FinetuneProtocolRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var (baseConfig, examples, testFraction) = Prepare(point, context);
        var settings = Settings(point, baseConfig.LearningRate);
        int runCount = settings.LearningRates.Count + settings.Seeds.Count;
        var all = new List<ProtocolRunPart>();
        var stored = new List<string>();
        var outcome = FineTuneProtocol.Run(
            baseConfig,
            settings,
            RunOrRead(point, examples, runCount, settings.LearningRates.Count, context, all, stored),
            part => part.Summary);

        var runs = outcome.Finals.Select(p => p.Run ?? throw new InvalidOperationException("a seed's run has no record")).ToList();
        var stepSeconds = all.SelectMany(p => p.StepSeconds).Order().ToList();
        var method = AdapterMethodsText(baseConfig);
        long testExamples = runs[0].TestExamples;
        return new FinetuneProtocolRecord(
            baseConfig.Task,
            baseConfig.Method,
            method,
            outcome.Search,
            outcome.Chosen.LearningRate,
            outcome.Chosen.LearningRate == settings.LearningRates[0] || outcome.Chosen.LearningRate == settings.LearningRates[^1],
            runs,
            testFraction,
            testExamples,
            testExamples >= FineTuneProtocol.MinimumTestExamples && baseConfig.MaxEvalExamples == 0,
            FineTuneProtocol.Describe(settings))
        {
            TotalSeconds = all.Sum(p => p.TotalSeconds),
            SecondsPerStep = stepSeconds.Count == 0 ? double.NaN : stepSeconds[stepSeconds.Count / 2],
            TotalSteps = all.Sum(p => p.Steps),
            StoredRuns = stored,
        };
    }

    /// <summary>
    /// The learning-rate search alone at <paramref name="rates"/> for a point of <see cref="FinetuneSearchExtensionExperiment"/>
    /// (the protocol's parameters without the seeds and grid): the same method, task, split, schedule and search seed as the
    /// protocol point it extends, so its validation numbers compare with that point's search. Runs are stored as parts and
    /// resumed like the protocol's.
    /// </summary>
    /// <param name="point">The extension point.</param>
    /// <param name="rates">The rates to try.</param>
    /// <param name="context">The run's context.</param>
    public FinetuneSearchExtensionRecord SearchOnly(SweepPoint point, IReadOnlyList<double> rates, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(context);
        var (baseConfig, examples, _) = Prepare(point, context);
        var all = new List<ProtocolRunPart>();
        var stored = new List<string>();
        var trials = FineTuneProtocol.Search(
            baseConfig,
            rates,
            (int)point.Int("search_seed"),
            (int)point.Int("step_cap"),
            (int)point.Int("eval_every"),
            (int)point.Int("patience"),
            RunOrRead(point, examples, rates.Count, rates.Count, context, all, stored),
            part => part.Summary);
        var stepSeconds = all.SelectMany(p => p.StepSeconds).Order().ToList();
        return new FinetuneSearchExtensionRecord(baseConfig.Task, baseConfig.Method, AdapterMethodsText(baseConfig), trials)
        {
            TotalSeconds = all.Sum(p => p.TotalSeconds),
            SecondsPerStep = stepSeconds.Count == 0 ? double.NaN : stepSeconds[stepSeconds.Count / 2],
            StoredRuns = stored,
        };
    }

    /// <summary>The point's base configuration (validation fraction and re-drawn test fraction set), its examples and the test fraction.</summary>
    private (FineTuneConfig Config, IReadOnlyList<LabeledSentence> Examples, double TestFraction) Prepare(SweepPoint point, ExperimentContext context)
    {
        var baseConfig = inner.Resolve(InnerPoint(point), context.MasterSeed);
        var examples = inner.LoadExamples(baseConfig.TaskKind);
        double testFraction = point.Real("test_fraction") > 0
            ? point.Real("test_fraction")
            : FineTuneProtocol.TestFractionFor([.. examples.GroupBy(e => e.Label).Select(g => g.Count())], ValidationFraction);
        return (baseConfig with { ValidationFraction = ValidationFraction, TestFraction = testFraction }, examples, testFraction);
    }

    /// <summary>Trains run after run (numbered from 1; the first <paramref name="searchRuns"/> are the search's), or reads one stored for the same configuration.</summary>
    private Func<FineTuneConfig, ProtocolRunPart> RunOrRead(SweepPoint point, IReadOnlyList<LabeledSentence> examples, int runCount, int searchRuns, ExperimentContext context, List<ProtocolRunPart> all, List<string> stored)
    {
        string key = point.ToJson().ToJsonString();
        int runIndex = 0;
        return config =>
        {
            runIndex++;
            string what = runIndex <= searchRuns ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"search lr {config.LearningRate:G3}") : $"seed {config.Seed}";
            string name = ProtocolRunPart.NameOf(runIndex);
            var (part, manifest) = StoredRun(context.Parts, runIndex, config);
            if (part is not null)
            {
                context.Status?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"run {runIndex} of {runCount} ({what}): stored"));
                stored.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"run {runIndex} ({what}): {manifest ?? "no manifest"}"));
                all.Add(part);
                return part;
            }

            part = Train(key, config, examples, runIndex, RunProgress(context, runIndex, runCount, what, config.Steps), context);
            context.Parts?.Write(name, ResultJson.Write(part));
            all.Add(part);
            return part;
        };
    }

    /// <summary>
    /// Run <paramref name="index"/>'s stored part and the manifest of the run that made it, when there is one made for
    /// <paramref name="config"/> (nulls otherwise: the run is trained, and overwrites a stale part).
    /// </summary>
    private static (ProtocolRunPart? Part, string? Manifest) StoredRun(PointParts? parts, int index, FineTuneConfig config)
    {
        if (parts?.Read(ProtocolRunPart.NameOf(index)) is not { } stored)
        {
            return (null, null);
        }

        ProtocolRunPart part;
        try
        {
            part = ResultJson.Read<ProtocolRunPart>(stored.Content);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return (null, null);
        }

        return part.Matches(index, config) ? (part, stored.Manifest) : (null, null);
    }

    /// <summary>Trains one run of the protocol (in a temporary folder, deleted after) and keeps what the point's record needs.</summary>
    private ProtocolRunPart Train(string key, FineTuneConfig config, IReadOnlyList<LabeledSentence> examples, int index, FineTuneProgress? progress, ExperimentContext context)
    {
        string dir = Path.Combine(Path.GetTempPath(), "ntkproofs-protocol-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            FineTuneResult result;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                result = FineTuneRunner.Run(config, dir, progress, examples: examples, encoder: inner.Encoder, placement: context.Placement, cancellation: context.Cancellation);
            }
            catch (TrainingDivergedException e) when (!config.EvaluateTest)
            {
                // A search rate too high for the method is a losing trial, not a failed point: validation accuracy 0 (below
                // chance, so it is never chosen while any rate trained) and the largest finite loss; its step is kept.
                context.Status?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"run {index} (search lr {config.LearningRate:G3}): diverged at step {e.Step}; recorded as validation accuracy 0"));
                return new ProtocolRunPart(index, config.LearningRate, config.Seed, false, new ProtocolRunSummary(0, double.MaxValue, e.Step, false), null, clock.Elapsed.TotalSeconds, e.Step, [], config.ToJson());
            }

            var summary = new ProtocolRunSummary(result.Validation.Accuracy, result.Validation.Loss, result.SelectedStep, result.Test.Count != 0);
            FinetuneRun? run = null;
            if (config.EvaluateTest)
            {
                // C19: the trained Z's spectrum is read before the folder goes.
                string spectra = ZSpectrum.Encode(ZSpectra.FromCheckpoint(dir, config.ToAdapterConfig(), inner.Encoder.Config));
                run = FinetuneExperiment.Record(key, result.Config, result, inner.Encoder) with { ZSpectra = spectra };
            }

            return new ProtocolRunPart(index, config.LearningRate, config.Seed, config.EvaluateTest, summary, run, result.TotalSeconds, result.Steps.Count, [.. result.Steps.Skip(1).Select(s => s.Seconds)], config.ToJson());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>Reports "run i of n (what): step s of cap" to <see cref="ExperimentContext.Status"/> every 10 steps (null when nobody listens).</summary>
    private static FineTuneProgress? RunProgress(ExperimentContext context, int run, int runs, string what, int cap)
    {
        if (context.Status is not { } status)
        {
            return null;
        }

        string head = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"run {run} of {runs} ({what})");
        status(head);
        return new FineTuneProgress
        {
            Step = s =>
            {
                if (s.Step % 10 == 0)
                {
                    status(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{head}, step {s.Step} of at most {cap}"));
                }
            },
            Evaluation = (split, done, total) =>
            {
                if (done == total)
                {
                    status(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{head}, evaluated {split}"));
                }
            },
        };
    }

    private static string AdapterMethodsText(FineTuneConfig config) =>
        NtkProofs.Adapters.AdapterMethods.For(config.Adapter).Settings(config.Adapter);
}
