using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Reports.Claims;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// The committed performance run: <c>./ntkproofs bench perf --profile full --python /usr/bin/python3 --out reports/perf</c>,
/// run on a quiet machine (no sweep running) and committed, so that every report shows the goals of issue #13 as measured
/// without the noise of the report's own run (which shares the machine with whatever else is running).
/// </summary>
/// <param name="Folder">The folder, relative to the repository root.</param>
/// <param name="Command">The command that regenerates it.</param>
/// <param name="Result">The goal table's result.</param>
/// <param name="Commit">The commit that measured it (from the folder's manifest; "unknown" without one).</param>
public sealed record CommittedBench(string Folder, string Command, PerfResult Result, string Commit)
{
    /// <summary>The folder of the committed run, relative to the repository root.</summary>
    public const string DefaultFolder = "reports/perf";

    /// <summary>The command that regenerates the committed run.</summary>
    public const string RegenerateCommand = "./ntkproofs bench perf --profile full --python /usr/bin/python3 --out reports/perf";

    /// <summary>Reads the committed run under <paramref name="root"/>; null when there is none.</summary>
    /// <param name="root">The repository root.</param>
    /// <exception cref="InvalidDataException">The results file is there but holds no readable result (names the file).</exception>
    public static CommittedBench? Load(string root)
    {
        string folder = Path.Combine(root, DefaultFolder);
        string file = Path.Combine(folder, PerformanceSection.Config + ".jsonl");
        if (!File.Exists(file))
        {
            return null;
        }

        string? line = File.ReadLines(file).LastOrDefault(l => l.Trim().Length > 0);
        PerfResult result;
        try
        {
            var node = line is null ? null : JsonNode.Parse(line) as JsonObject;
            result = node?["result"] is JsonObject r ? ResultJson.Read<PerfResult>(r) : throw new InvalidDataException("no result line");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{DefaultFolder}/{Path.GetFileName(file)}: not a perf result ({e.Message}); regenerate it with {RegenerateCommand}"), e);
        }

        return new CommittedBench(DefaultFolder, RegenerateCommand, result, CommitOf(Path.Combine(folder, "manifest.json")));
    }

    // The short commit recorded in the run's manifest; "unknown" when the manifest is missing or unreadable (it only labels the run).
    private static string CommitOf(string manifest)
    {
        try
        {
            return File.Exists(manifest) && JsonNode.Parse(File.ReadAllText(manifest))?["git_commit"] is JsonValue v && v.TryGetValue<string>(out var sha) && sha.Length >= 7 ? sha[..7] : "unknown";
        }
        catch (JsonException)
        {
            return "unknown";
        }
    }
}
