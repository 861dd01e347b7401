using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Lemmas;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>C4: longer prefix, stronger learning, read as capacity m_fit(n, c, eps) growing with n c (THEORY.md A.2).</summary>
public sealed class C4Capacity : IClaim
{
    /// <summary>The rule, in words.</summary>
    public const string Rule =
        "per value path, with eta = eta0 / lambda_max(H(0)) and T fixed, m_fit(n, c, eps) = the smallest grid m with median ||F(T) - Y||^2 <= eps ||F(0) - Y||^2 (eps = 1e-3): " +
        "supported if m_fit is non-decreasing in n c and larger at the largest n c than at the smallest, and for m >= m_fit the residual does not rise beyond the replicate spread; " +
        "not supported if m_fit does not grow (m_fit at the largest n c <= at the smallest) or the residual rises beyond m_fit (smallest replicate above the largest at m_fit and median > 2x); " +
        "inconclusive if fewer than 3 values of n c ran, some setting never reaches eps on the grid, or m_fit grows but not monotonically. " +
        "Fixed values: m = 1 is excluded (one softmax weight, constant output) and draws with a constant sign column are redrawn. Training loss only";

    /// <inheritdoc />
    public string Id => "C4";

    /// <inheritdoc />
    public string Statement => "longer prefix, stronger learning: m_fit(n, c, eps) grows with n c and the residual does not rise beyond it";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [LemmaSweeps.Capacity];

    /// <summary>The verdict from capacity evidence (pure).</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(CapacityEvidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Settings.Count == 0)
        {
            return ClaimResult.NotRun(Rule, "no capacity settings: run the capacity config");
        }

        var numbers = new List<string>();
        var against = new List<string>();
        var notes = new List<string>
        {
            e.SmallestFixedM is int m1 ? F($"fixed values from m = {m1} (m = 1 excluded: constant output, zero gradient)") : "no fixed-value runs",
            F($"{e.SignRedraws} fixed-value sign draw(s) with a constant column redrawn"),
        };
        var inconclusive = new List<string>();
        bool notSupported = false;
        var paths = e.Settings.GroupBy(s => s.Path).OrderBy(g => g.Key).ToList();
        var heads = new List<string>();
        foreach (var g in paths)
        {
            var settings = g.OrderBy(s => s.Targets).ToList();
            string name = LemmaParameters.Name(g.Key);
            var fits = settings.Select(s => (s.Targets, Fit: s.MFit(e.Epsilon))).ToList();
            string fitText = string.Join(", ", fits.Select(f => F($"n c = {f.Targets}: {(f.Fit?.ToString(CultureInfo.InvariantCulture) ?? F($"> {settings.First(s => s.Targets == f.Targets).Points[^1].PrefixLength}"))}")));
            numbers.Add(F($"{name}: m_fit (eps = {e.Epsilon:G1}, T = {settings[0].Steps}) {fitText}"));
            heads.Add(F($"{name} m_fit {string.Join("/", fits.Select(f => f.Fit?.ToString(CultureInfo.InvariantCulture) ?? "-"))}"));
            foreach (var s in settings)
            {
                if (s.RiseBeyondFit(e.Epsilon) is { } rise)
                {
                    notSupported = true;
                    against.Add(F($"{name} n c = {s.Targets}: residual rises beyond m_fit = {s.MFit(e.Epsilon)}: median {rise.Median:E1} at m = {rise.PrefixLength} (replicates {rise.Min:E1}..{rise.Max:E1})"));
                }
            }

            foreach (var s in settings.Where(s => s.MFit(e.Epsilon) is not null && s.RiseBeyondFit(e.Epsilon) is null))
            {
                // Within the replicate spread, so not decisive, but a point estimate against the claim: said in the row.
                int fit = s.MFit(e.Epsilon)!.Value;
                var back = s.Points.Where(p => p.PrefixLength > fit && p.Median > e.Epsilon).ToList();
                if (back.Count > 0)
                {
                    against.Add(F($"{name} n c = {s.Targets}: median residual back above eps beyond m_fit = {fit} (worst {back.Max(p => p.Median):E1} at m = {back.MaxBy(p => p.Median)!.PrefixLength}; within the replicate spread)"));
                }
            }

            if (fits.Select(f => f.Targets).Distinct().Count() < LemmaCriteria.CapacityMinTargetCounts)
            {
                inconclusive.Add(F($"{name}: only {fits.Count} value(s) of n c: run n in {{4, 8, 16, 32}}"));
                continue;
            }

            var missing = fits.Where(f => f.Fit is null).ToList();
            var found = fits.Where(f => f.Fit is not null).ToList();
            if (found.Count >= 2 && found[^1].Fit <= found[0].Fit)
            {
                notSupported = true;
                against.Add(F($"{name}: m_fit does not grow with n c ({found[0].Fit} at n c = {found[0].Targets}, {found[^1].Fit} at n c = {found[^1].Targets})"));
                continue;
            }

            if (missing.Count > 0)
            {
                inconclusive.Add(F($"{name}: n c = {missing[0].Targets} never reaches eps on the grid: extend m or T"));
                continue;
            }

            bool monotone = found.Zip(found.Skip(1)).All(p => p.Second.Fit >= p.First.Fit);
            if (!monotone)
            {
                inconclusive.Add(F($"{name}: m_fit grows overall but not monotonically in n c: more replicates would decide"));
                against.Add(F($"{name}: m_fit decreases somewhere in n c ({fitText})"));
            }
        }

        numbers.AddRange(notes);
        string headline = string.Join("; ", heads);
        var verdict = notSupported ? Verdict.NotSupported : inconclusive.Count > 0 ? Verdict.Inconclusive : Verdict.Supported;
        return new ClaimResult(verdict, headline, numbers, Rule, verdict == Verdict.Inconclusive ? string.Join("; ", inconclusive) : null, against, null, Table(e));
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<CapacityRecord>(LemmaSweeps.Capacity);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{LemmaSweeps.Capacity}' sweep did not run in this profile");
        }

        var evidence = CapacityEvidence.From(records);
        return Decide(evidence) with
        {
            Figures = [new ClaimFigure(Figure(evidence), "Median residual after T gradient-descent steps relative to its start, against m, one line per (value path, n c); dotted: eps.")],
            Commands = [inputs.Command(LemmaSweeps.Capacity)],
        };
    }

    /// <summary>The capacity figure: median R_T/R_0 against m per (path, n c), with the replicate range as bars.</summary>
    /// <param name="e">The evidence.</param>
    public static FigureSpec Figure(CapacityEvidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var series = e.Settings.Select(s => new FigureSeries(
            F($"{LemmaParameters.Name(s.Path)} n c = {s.Targets}"),
            s.Points.Select(p => (double)p.PrefixLength).ToList(),
            s.Points.Select(p => Math.Max(p.Median, 1e-300)).ToList(),
            ErrorLow: s.Points.Select(p => p.Median - p.Min).ToList(),
            ErrorHigh: s.Points.Select(p => p.Max - p.Median).ToList())).ToList();
        return new FigureSpec("fig_c4_capacity", "C4: residual after T steps against prefix length", "prefix length m", "||F(T) - Y||^2 / ||F(0) - Y||^2", AxisScale.Log2, AxisScale.Log10, series,
            [new ReferenceLine("eps", e.Epsilon)]);
    }

    private static string Table(CapacityEvidence e)
    {
        var md = new StringBuilder();
        md.AppendLine(F($"Median R_T / R_0 (replicate range) per m; m_fit = first m with median <= {e.Epsilon:G1}:"));
        md.AppendLine();
        var ms = e.Settings.SelectMany(s => s.Points.Select(p => p.PrefixLength)).Distinct().Order().ToList();
        md.AppendLine("| path | n c | m_fit | " + string.Join(" | ", ms.Select(m => F($"m = {m}"))) + " |");
        md.AppendLine("|---|---|---|" + string.Concat(ms.Select(_ => "---|")));
        foreach (var s in e.Settings)
        {
            md.AppendLine(F($"| {LemmaParameters.Name(s.Path)} | {s.Targets} | {(s.MFit(e.Epsilon)?.ToString(CultureInfo.InvariantCulture) ?? "none")} | ") +
                string.Join(" | ", ms.Select(m => s.Points.FirstOrDefault(p => p.PrefixLength == m) is { } p ? F($"{p.Median:E1}") : "-")) + " |");
        }

        return md.ToString();
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
