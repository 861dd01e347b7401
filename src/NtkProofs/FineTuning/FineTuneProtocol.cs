using System.Globalization;

namespace NtkProofs.FineTuning;

/// <summary>
/// The fine-tuning protocol of issue 10, fixed before any run: per method and task (1) a learning-rate search on
/// validation only (a log grid of at least 3 rates, one seed, test never evaluated), (2) at least 5 seeds at the chosen
/// rate; every run early-stops on validation accuracy under a step cap and evaluates test once, at its selected
/// checkpoint. The test split is re-drawn (stratified, the same split seed for every method and seed) large enough that
/// its binomial standard error is at most <see cref="MaxTestStandardError"/> whatever the accuracy.
/// </summary>
public static class FineTuneProtocol
{
    /// <summary>Fewest seeds at the chosen rate.</summary>
    public const int MinimumSeeds = 5;

    /// <summary>Largest allowed standard error of one run's test accuracy (1.5 points), at the worst case p = 1/2.</summary>
    public const double MaxTestStandardError = 0.015;

    /// <summary>Test examples needed: sqrt(1/4 / n) &lt;= <see cref="MaxTestStandardError"/>, n = ceil(0.25 / SE^2) = 1112.</summary>
    public static int MinimumTestExamples => (int)Math.Ceiling(0.25 / (MaxTestStandardError * MaxTestStandardError) - 1e-9);

    /// <summary>The protocol in words (printed in the report with C10).</summary>
    /// <param name="settings">The protocol's settings.</param>
    public static string Describe(FineTuneProtocolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"Per method configuration and task: (1) learning-rate search on validation only: rates {{{string.Join(", ", settings.LearningRates.Select(r => r.ToString("G3", inv)))}}} (log grid), one seed ({settings.SearchSeed}), test never evaluated; the rate with the best validation accuracy is chosen (ties: lower validation loss, then the smaller rate). ")
            + string.Create(inv, $"(2) {settings.Seeds.Count} seeds ({string.Join(", ", settings.Seeds)}) at the chosen rate. Every run: AdamW with linear warm-up and decay over a cap of {settings.StepCap} steps; validation accuracy every {settings.EvalEvery} steps, stop after {settings.Patience} evaluations without improvement, keep the best checkpoint; test evaluated once, at that checkpoint. ")
            + string.Create(inv, $"Test split: stratified, the same split seed for every method and seed, at least {MinimumTestExamples} sentences so that its standard error is <= {MaxTestStandardError * 100:G2} points at any accuracy (re-split: the test fraction is the smallest multiple of 0.01 reaching that size; validation keeps its fraction, training gets the rest). Paired statistics per seed on the shared test set (McNemar; CIs of the crossed seeds x test-examples design).");
    }

    /// <summary>
    /// The smallest test fraction (a multiple of 0.01) whose stratified split of <paramref name="examples"/> has at least
    /// <see cref="MinimumTestExamples"/> test examples; throws <see cref="ArgumentException"/> when even half the data is too few.
    /// </summary>
    /// <param name="examples">Number of examples per class.</param>
    /// <param name="validationFraction">The validation fraction (kept).</param>
    public static double TestFractionFor(IReadOnlyList<int> examples, double validationFraction)
    {
        ArgumentNullException.ThrowIfNull(examples);
        for (int percent = 1; percent <= 50; percent++)
        {
            double f = percent / 100.0;
            if (f + validationFraction >= 1)
            {
                break;
            }

            // StratifiedSplitter takes floor(n_c f) test examples of each class.
            long n = examples.Sum(c => (long)Math.Floor(c * f));
            if (n >= MinimumTestExamples)
            {
                return f;
            }
        }

        throw new ArgumentException($"the task has {examples.Sum()} examples: too few for a test split of {MinimumTestExamples} (SE <= {MaxTestStandardError * 100:G2} points) with validation fraction {validationFraction}");
    }

    /// <summary>
    /// Runs the protocol with <paramref name="train"/> (which trains one configuration and returns its result): the
    /// search runs get <see cref="FineTuneConfig.EvaluateTest"/> = false, and the choice reads only their validation numbers.
    /// </summary>
    /// <param name="baseConfig">The method, task and split (its learning rate and seed are replaced).</param>
    /// <param name="settings">The protocol's settings.</param>
    /// <param name="train">Trains one configuration.</param>
    public static FineTuneProtocolOutcome<FineTuneResult> Run(FineTuneConfig baseConfig, FineTuneProtocolSettings settings, Func<FineTuneConfig, FineTuneResult> train) =>
        Run(baseConfig, settings, train, r => new ProtocolRunSummary(r.Validation.Accuracy, r.Validation.Loss, r.SelectedStep, r.Test.Count != 0));

    /// <summary>
    /// Runs the protocol with <paramref name="train"/>, whose result of type <typeparamref name="T"/> (a full result, or a
    /// stored summary of a run finished earlier) <paramref name="summarize"/> reads as the protocol sees it. The runs come in
    /// a fixed order (the search's rates in grid order, then the seeds), so a caller can number and store them.
    /// </summary>
    /// <typeparam name="T">What one run returns.</typeparam>
    /// <param name="baseConfig">The method, task and split (its learning rate and seed are replaced).</param>
    /// <param name="settings">The protocol's settings.</param>
    /// <param name="train">Trains one configuration (or returns its stored result).</param>
    /// <param name="summarize">The validation numbers of a run, and whether it evaluated test.</param>
    public static FineTuneProtocolOutcome<T> Run<T>(FineTuneConfig baseConfig, FineTuneProtocolSettings settings, Func<FineTuneConfig, T> train, Func<T, ProtocolRunSummary> summarize)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(summarize);
        settings.Validated();
        var schedule = baseConfig with { Steps = settings.StepCap, EvalEvery = settings.EvalEvery, Patience = settings.Patience };
        var trials = Search(baseConfig, settings.LearningRates, settings.SearchSeed, settings.StepCap, settings.EvalEvery, settings.Patience, train, summarize);
        var chosen = LearningRateSearch.Select(trials);
        var finals = settings.Seeds.Select(seed => train((schedule with { LearningRate = chosen.LearningRate, Seed = seed, EvaluateTest = true }).Validated())).ToList();
        return new FineTuneProtocolOutcome<T>(trials, chosen, finals);
    }

    /// <summary>
    /// The protocol's learning-rate search alone: one validation-only run per rate (in order) at <paramref name="searchSeed"/>
    /// under the protocol's schedule, test never evaluated. <see cref="Run{T}"/> uses it for its grid; the grid-edge
    /// extension (one step beyond an edge-chosen rate) uses it with the one rate beyond.
    /// </summary>
    /// <typeparam name="T">What one run returns.</typeparam>
    /// <param name="baseConfig">The method, task and split (its learning rate and seed are replaced).</param>
    /// <param name="rates">The rates to try (positive).</param>
    /// <param name="searchSeed">The one training seed.</param>
    /// <param name="stepCap">Most optimizer steps per run.</param>
    /// <param name="evalEvery">Steps between validation evaluations.</param>
    /// <param name="patience">Evaluations without improvement before stopping.</param>
    /// <param name="train">Trains one configuration (or returns its stored result).</param>
    /// <param name="summarize">The validation numbers of a run, and whether it evaluated test.</param>
    public static IReadOnlyList<LearningRateTrial> Search<T>(FineTuneConfig baseConfig, IReadOnlyList<double> rates, int searchSeed, int stepCap, int evalEvery, int patience, Func<FineTuneConfig, T> train, Func<T, ProtocolRunSummary> summarize)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(summarize);
        if (rates.Count == 0 || rates.Any(r => !(r > 0) || double.IsInfinity(r)))
        {
            throw new ArgumentException("need at least one positive, finite learning rate to search", nameof(rates));
        }

        var schedule = baseConfig with { Steps = stepCap, EvalEvery = evalEvery, Patience = patience };
        var trials = new List<LearningRateTrial>();
        foreach (double rate in rates)
        {
            var r = summarize(train((schedule with { LearningRate = rate, Seed = searchSeed, EvaluateTest = false }).Validated()));
            if (r.TestEvaluated)
            {
                throw new InvalidOperationException("a learning-rate search run evaluated the test split");
            }

            trials.Add(new LearningRateTrial(rate, searchSeed, r.ValidationAccuracy, r.ValidationLoss, r.SelectedStep));
        }

        return trials;
    }
}
