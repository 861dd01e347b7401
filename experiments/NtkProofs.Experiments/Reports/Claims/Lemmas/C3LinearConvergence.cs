using System.Globalization;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Lemmas;
using NtkProofs.Model;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>C3's numbers for one value-path variant, over its runs with m &gt;= m0.</summary>
/// <param name="Label">Variant label.</param>
/// <param name="Deciding">Whether the variant decides (alpha = sqrt(m), random init).</param>
/// <param name="M0">The m from which runs count (the measured m0 of L1(d), else the largest m).</param>
/// <param name="Runs">Runs with m &gt;= m0.</param>
/// <param name="WorstEnvelopeRatio">max over those runs and steps t &gt;= 1 of R_t / ((1 - eta lambda*/2)^t R_0).</param>
/// <param name="RunsReachingTarget">Runs whose loss reached 1e-6 of its start within T.</param>
/// <param name="Steps">T.</param>
/// <param name="SlowestContraction">The largest measured per-step contraction (R_T / R_0)^(1/T) among those runs.</param>
/// <param name="PredictedContraction">The envelope factor 1 - eta lambda*/2 (largest among those runs).</param>
/// <param name="WorstResidualRatio">The largest R_T / R_0 among those runs.</param>
public sealed record C3Variant(
    string Label, bool Deciding, int M0, int Runs, double WorstEnvelopeRatio, int RunsReachingTarget, int Steps, double SlowestContraction, double PredictedContraction, double WorstResidualRatio)
{
    /// <summary>The T the slowest run would need to reach 1e-6 at its measured contraction (infinite if it does not contract).</summary>
    public double StepsNeeded => SlowestContraction < 1 ? Math.Log(LemmaCriteria.ConvergenceTarget) / Math.Log(SlowestContraction) : double.PositiveInfinity;
}

/// <summary>C3's evidence.</summary>
/// <param name="Variants">Every variant of the training sweep.</param>
public sealed record C3Evidence(IReadOnlyList<C3Variant> Variants);

/// <summary>C3: the loss decays linearly to arbitrarily small values for m large enough (L3).</summary>
public sealed class C3LinearConvergence : IClaim
{
    /// <summary>The rule, in words.</summary>
    public const string Rule =
        "per value-path variant at alpha = sqrt(m), random init (tied un-centred and centred both decide; other variants shown), over the runs with m >= m0: " +
        "not supported if ||F(t) - Y||^2 > (1 - eta lambda*/2)^t ||F(0) - Y||^2 at some step t >= 1 of some run; " +
        "supported if the envelope holds at every step AND every run's loss reaches 1e-6 of its start within T; " +
        "inconclusive otherwise (the T that the slowest measured contraction would need is stated)";

    /// <inheritdoc />
    public string Id => "C3";

    /// <inheritdoc />
    public string Statement => "loss decays linearly to arbitrarily small values for m large enough";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [LemmaSweeps.Training, LemmaSweeps.Concentration];

    /// <summary>Builds C3's evidence.</summary>
    /// <param name="training">Training results.</param>
    /// <param name="concentration">Concentration results (for m0), possibly empty.</param>
    public static C3Evidence Gather(IReadOnlyList<LazyTrainingResult> training, IReadOnlyList<KernelConcentrationResult> concentration)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(concentration);
        return new C3Evidence(training.Select(r =>
        {
            var (measured, late) = LemmaSweeps.RunsFromM0(r, concentration);
            int m0 = measured ?? r.PrefixLengths[^1];

            return new C3Variant(
                LemmaSweeps.Label(r.Problem, r.Init), r.Problem.Scale == OutputScale.SqrtM && r.Init == PrefixInit.Random, m0, late.Count,
                late.Max(s => s.WorstEnvelopeRatio),
                late.Count(s => s.Curve.Min(c => c.Residual) <= LemmaCriteria.ConvergenceTarget * s.InitialResidual),
                r.Options.Steps, late.Max(s => s.MeasuredContraction), late.Max(s => s.PredictedContraction), late.Max(s => s.ResidualRatio));
        }).ToList());
    }

    /// <summary>The verdict from C3's evidence (pure).</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C3Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var numbers = e.Variants.Select(v => F($"{v.Label}{(v.Deciding ? string.Empty : " (shown only)")}, m >= {v.M0} ({v.Runs} runs): worst ratio to envelope {v.WorstEnvelopeRatio:F3}; reached 1e-6 within T = {v.Steps}: {v.RunsReachingTarget}/{v.Runs}; slowest contraction {v.SlowestContraction:F5} vs envelope {v.PredictedContraction:F5}; worst R_T/R_0 {v.WorstResidualRatio:E1}")).ToList();
        var deciding = e.Variants.Where(v => v.Deciding).ToList();
        if (deciding.Count == 0)
        {
            return ClaimResult.NotRun(Rule, "no alpha = sqrt(m), random-init run in the training sweep");
        }

        var against = new List<string>();
        var violated = deciding.Where(v => v.WorstEnvelopeRatio > 1).ToList();
        against.AddRange(violated.Select(v => F($"{v.Label}: loss above the L3 envelope (ratio {v.WorstEnvelopeRatio:F2})")));
        var short_ = deciding.Where(v => v.RunsReachingTarget < v.Runs).ToList();
        against.AddRange(short_.Select(v => F($"{v.Label}: {v.Runs - v.RunsReachingTarget}/{v.Runs} runs did not reach 1e-6 within T = {v.Steps} (worst R_T/R_0 {v.WorstResidualRatio:E1})")));
        var worst = deciding.MaxBy(v => v.WorstResidualRatio)!;
        string headline = F($"worst envelope ratio {deciding.Max(v => v.WorstEnvelopeRatio):F2}; worst R_T/R_0 {worst.WorstResidualRatio:E1} ({worst.Label})");
        if (violated.Count > 0)
        {
            return new ClaimResult(Verdict.NotSupported, headline, numbers, Rule, null, against);
        }

        if (short_.Count > 0)
        {
            var slow = short_.MaxBy(v => v.StepsNeeded)!;
            return new ClaimResult(Verdict.Inconclusive, headline, numbers, Rule,
                double.IsFinite(slow.StepsNeeded)
                    ? F($"{slow.Label} would need T ~ {slow.StepsNeeded:F0} steps at its measured contraction {slow.SlowestContraction:F5} (ran T = {slow.Steps}): rerun with steps >= {Math.Ceiling(slow.StepsNeeded * 1.2):F0}")
                    : F($"{slow.Label} does not contract (measured {slow.SlowestContraction:F5}): a longer run would show whether it stalls"),
                against);
        }

        return new ClaimResult(Verdict.Supported, headline, numbers, Rule, null, against);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<LazyTrainingRecord>(LemmaSweeps.Training);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{LemmaSweeps.Training}' sweep did not run in this profile");
        }

        var training = LemmaSweeps.GroupTraining(records);
        var concentration = inputs.Results<InitialKernelSample>(LemmaSweeps.Concentration) is { } c ? LemmaSweeps.GroupConcentration(c) : [];
        return Decide(Gather(training, concentration)) with
        {
            Figures = [new ClaimFigure(LemmaFigures.LossCurveFigure(training), "||F(t) - Y||^2 along gradient descent for several m (replicate 0), with the L3 envelope (1 - eta lambda*/2)^t ||F(0) - Y||^2 dashed in the same color.")],
            Commands = [inputs.Command(LemmaSweeps.Training)],
        };
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
