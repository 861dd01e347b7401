using System.CommandLine;
using System.Globalization;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs merge --config FILE --out FILE SHARD.jsonl...</c>: joins the results files of a sweep's shards into one file
/// holding every point of the config once, sorted by index; fails (exit 2, nothing written) when a point is missing or two
/// files disagree about a point.
/// </summary>
public sealed class MergeCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var shards = new Argument<FileInfo[]>("shards") { Description = "Results files to join (the shards' .jsonl files).", Arity = ArgumentArity.OneOrMore };
        var config = new Option<FileInfo>("--config") { Description = "The sweep config the shards were run with.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Merged results file (.jsonl), written atomically; manifest.json goes next to it.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists and is not one of the inputs." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the summary table." };
        var command = new Command("merge", "Join the results files of a sharded sweep into one, checking that every point of the config is present exactly once.")
        {
            shards, config, output, force, quiet,
        };
        command.SetAction(parse => Run(
            parse.GetValue(config)!,
            parse.GetValue(output)!,
            parse.GetValue(shards)!,
            parse.GetValue(force),
            parse.GetValue(quiet),
            [.. parse.Tokens.Select(t => t.Value)],
            parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(FileInfo configFile, FileInfo output, FileInfo[] shards, bool force, bool quiet, IReadOnlyList<string> arguments, TextWriter stdout)
    {
        if (Directory.Exists(output.FullName))
        {
            throw new CliInputException($"--out {output.FullName} is a folder; give the merged results file (.jsonl) to write");
        }

        var config = SweepConfig.Load(configFile.FullName);
        var plan = config.Plan();
        var inputs = shards.Select(s => s.FullName).Distinct(StringComparer.Ordinal).ToList();
        string outPath = output.FullName;
        if (File.Exists(outPath) && new FileInfo(outPath).Length > 0 && !inputs.Contains(outPath) && !force)
        {
            throw new CliInputException($"{outPath} already exists and is not one of the inputs; pass --force to replace it, or choose another --out (nothing was changed)");
        }

        var manifest = RunManifest.Capture("merge", arguments, "cpu") with
        {
            Experiment = config.Experiment.Name,
            Config = config.Path,
            ConfigFiles = config.Files,
            ConfigFingerprint = config.Fingerprint,
            MasterSeed = config.Seed,
            Files = [.. inputs, outPath],
        };
        var outcome = ResultMerger.Merge(plan, inputs);

        // The merged file, the run manifests it refers to and manifest.json are staged and moved into place as a unit, so a
        // failure (full disk, read-only folder) leaves the earlier merged file and manifest as they were.
        string outDir = Path.GetDirectoryName(outPath)!;
        using var set = OutputSet.Begin(outDir);
        ResultMerger.Write(outcome, set.PathOf(Path.GetFileName(outPath)));
        var (copied, missingManifests) = CopyManifests(outcome, outDir, set);
        manifest = manifest.Finish(RunStatus.Completed, new Dictionary<string, long>
        {
            ["plan_points"] = plan.Points.Count,
            ["inputs"] = inputs.Count,
            ["duplicate_lines"] = outcome.DuplicateLines,
            ["run_manifests_copied"] = copied,
            ["run_manifests_missing"] = missingManifests.Count,
        });
        _ = set.PathOf(RunManifest.FileName);
        _ = set.PathOf(Path.Combine(RunManifest.ArchiveFolder, manifest.Id + ".json"));
        manifest.Write(set.Staging);
        set.Commit();

        var console = SweepConsole.For(stdout);
        var table = new Table().Title(Markup.Escape($"merge {config.Experiment.Name}: {plan.Points.Count} points"));
        table.AddColumns("input", "results", "note");
        foreach (var (path, count, truncated) in outcome.Files)
        {
            table.AddRow(Markup.Escape(path), count.ToString(CultureInfo.InvariantCulture), truncated ? "ends with a truncated line (ignored)" : "");
        }

        table.AddRow("[bold]merged[/]", outcome.Results.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape($"{outcome.DuplicateLines} identical duplicate line(s) dropped"));
        console.Write(table);
        if (!quiet && missingManifests.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]note: run manifest(s) {string.Join(", ", missingManifests)} were not found next to the inputs ({RunManifest.ArchiveFolder}/<id>.json)[/]");
        }

        console.MarkupLineInterpolated($"wrote {outPath} and {Path.Combine(outDir, RunManifest.FileName)}");
        return ExitCodes.Success;
    }

    /// <summary>Copies the run manifests the merged lines refer to from the inputs' folders to the output's.</summary>
    private static (int Copied, List<string> Missing) CopyManifests(MergeOutcome outcome, string outDir, OutputSet set)
    {
        var sources = outcome.Files.Select(f => Path.Combine(Path.GetDirectoryName(f.Path)!, RunManifest.ArchiveFolder)).Distinct(StringComparer.Ordinal).ToList();
        string target = Path.Combine(outDir, RunManifest.ArchiveFolder);
        int copied = 0;
        var missing = new List<string>();
        foreach (string id in outcome.Results.Select(r => r.Manifest).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            string name = id + ".json";
            string destination = Path.Combine(target, name);
            if (File.Exists(destination))
            {
                continue;
            }

            string? source = sources.Select(s => Path.Combine(s, name)).FirstOrDefault(File.Exists);
            if (source is null)
            {
                missing.Add(id);
                continue;
            }

            AtomicFile.WriteAllBytes(set.PathOf(Path.Combine(RunManifest.ArchiveFolder, name)), File.ReadAllBytes(source));
            copied++;
        }

        return (copied, missing);
    }
}
