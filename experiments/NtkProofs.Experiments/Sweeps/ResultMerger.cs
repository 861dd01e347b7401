using System.Globalization;
using System.Text;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>What <see cref="ResultMerger.Collect"/> found in a set of results files.</summary>
/// <param name="Plan">The plan the files belong to.</param>
/// <param name="Results">Every distinct point found, sorted by plan index.</param>
/// <param name="Files">Per input file: its path, the results read from it, and whether it ended with a truncated line (ignored).</param>
/// <param name="DuplicateLines">Lines that repeated a point already read with the same outcome (dropped).</param>
/// <param name="Missing">Points of the plan found in no file, in plan order.</param>
public sealed record MergeOutcome(SweepPlan Plan, IReadOnlyList<SweepResult> Results, IReadOnlyList<(string Path, int Results, bool TruncatedTail)> Files, int DuplicateLines, IReadOnlyList<PlannedPoint> Missing)
{
    /// <summary>Every point of the plan is present.</summary>
    public bool Complete => Missing.Count == 0;
}

/// <summary>
/// Joins the results files of a sweep's shards (or of any runs of the same config) into one: every line is checked against
/// the plan, points are deduplicated by key (the same outcome twice is fine; different results for the same point are an
/// error), and the merged file holds every point of the plan exactly once, sorted by index.
/// </summary>
public static class ResultMerger
{
    /// <summary>How many missing points an error message lists.</summary>
    public const int MissingListed = 20;

    /// <summary>
    /// Reads <paramref name="files"/> (read-only; a truncated last line is ignored) and joins their results. Throws
    /// <see cref="InvalidDataException"/> when a line does not belong to <paramref name="plan"/> or two lines give different
    /// results for the same point (naming both files and lines), <see cref="FileNotFoundException"/> for a missing file.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="files">The results files.</param>
    public static MergeOutcome Collect(SweepPlan plan, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("no results files to merge", nameof(files));
        }

        var byKey = new Dictionary<string, (SweepResult Result, string Where)>(StringComparer.Ordinal);
        var perFile = new List<(string, int, bool)>();
        int duplicates = 0;
        foreach (string file in files)
        {
            var content = JsonLinesReader.Read(file);
            var lines = ResultStore.ReadLines(content, plan, null);
            foreach (var (result, line) in lines)
            {
                string where = $"{content.Path}:{line.ToString(CultureInfo.InvariantCulture)}";
                if (byKey.TryGetValue(result.Key, out var first))
                {
                    if (!first.Result.SameOutcome(result))
                    {
                        throw new InvalidDataException($"conflicting results for point #{result.Index} ({result.Key}: {plan.Describe(result.Point)}): {first.Where} and {where} differ; {LastBits(first.Result.Result, result.Result)}");
                    }

                    duplicates++;
                    continue;
                }

                byKey[result.Key] = (result, where);
            }

            perFile.Add((content.Path, lines.Count, content.TruncatedTail is not null));
        }

        var results = byKey.Values.Select(v => v.Result).OrderBy(r => r.Index).ToList();
        var missing = plan.Points.Where(p => !byKey.ContainsKey(p.Point.Key)).ToList();
        return new MergeOutcome(plan, results, perFile, duplicates, missing);
    }

    /// <summary>
    /// <see cref="Collect"/>, then requires every point of the plan: throws <see cref="InvalidDataException"/> saying how many
    /// points are missing and listing the first <see cref="MissingListed"/> (index, key and values).
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="files">The results files.</param>
    public static MergeOutcome Merge(SweepPlan plan, IReadOnlyList<string> files)
    {
        var outcome = Collect(plan, files);
        if (!outcome.Complete)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{outcome.Missing.Count} of {plan.Points.Count} points of {plan.Config.Path} are in none of the {files.Count} file(s); missing:");
            foreach (var p in outcome.Missing.Take(MissingListed))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  #{p.Index} {p.Point.Key} ({plan.Describe(p.Point)})");
            }

            if (outcome.Missing.Count > MissingListed)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  ... and {outcome.Missing.Count - MissingListed} more");
            }

            text.Append("\nRun (or resume) the shards that hold them, then merge again; nothing was written.");
            throw new InvalidDataException(text.ToString());
        }

        return outcome;
    }

    /// <summary>Writes the merged results, sorted by index, atomically.</summary>
    /// <param name="outcome">A merge outcome.</param>
    /// <param name="path">The merged .jsonl file.</param>
    public static void Write(MergeOutcome outcome, string path)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        JsonLinesWriter.WriteAll(path, outcome.Results.OrderBy(r => r.Index).Select(r => r.ToJson()));
    }

    /// <summary>Says whether two conflicting results differ beyond the float64 tolerance or only in the last bits.</summary>
    private static string LastBits(System.Text.Json.Nodes.JsonNode? a, System.Text.Json.Nodes.JsonNode? b)
    {
        double worst = MaxRelativeDifference(a, b);
        return double.IsNaN(worst) || worst > NtkProofs.Numerics.Tolerance.Float64.Relative
            ? FormattableString.Invariant($"they differ beyond the float64 tolerance (max relative difference {worst:E2} or a different structure): the inputs come from runs that disagree (different code or a nondeterministic experiment)")
            : FormattableString.Invariant($"they differ only in the last bits (max relative difference {worst:E2}, within the float64 tolerance {NtkProofs.Numerics.Tolerance.Float64.Relative:E0}): a run without MKL_CBWR, or shards computed on different processors; re-run the shard with the ./ntkproofs launcher (which sets MKL_CBWR=AUTO), and set MKL_CBWR=COMPATIBLE on every node to compare bits across processors");
    }

    private static double Worse(double p, double q) => double.IsNaN(p) || double.IsNaN(q) ? double.NaN : Math.Max(p, q);

    private static double MaxRelativeDifference(System.Text.Json.Nodes.JsonNode? a, System.Text.Json.Nodes.JsonNode? b)
    {
        switch (a, b)
        {
            case (System.Text.Json.Nodes.JsonObject x, System.Text.Json.Nodes.JsonObject y):
                return x.Count != y.Count ? double.NaN : x.Select(p => y.ContainsKey(p.Key) ? MaxRelativeDifference(p.Value, y[p.Key]) : double.NaN).Aggregate(0.0, Worse);
            case (System.Text.Json.Nodes.JsonArray x, System.Text.Json.Nodes.JsonArray y):
                return x.Count != y.Count ? double.NaN : x.Zip(y, MaxRelativeDifference).Aggregate(0.0, Worse);
            case (System.Text.Json.Nodes.JsonValue x, System.Text.Json.Nodes.JsonValue y) when x.TryGetValue(out double u) && y.TryGetValue(out double v):
                return u == v ? 0 : Math.Abs(u - v) / Math.Max(Math.Max(Math.Abs(u), Math.Abs(v)), double.Epsilon);
            default:
                return System.Text.Json.Nodes.JsonNode.DeepEquals(a, b) ? 0 : double.NaN;
        }
    }
}
