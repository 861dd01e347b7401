using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Reports;

/// <summary>What <c>ntkproofs report</c> was asked to do.</summary>
/// <param name="Profile">smoke, quick or full.</param>
/// <param name="Output">Report folder, or null for the default (reports/ for quick, reports/&lt;profile&gt;/ otherwise).</param>
/// <param name="Device">cpu or cuda.</param>
/// <param name="Threads">TorchSharp intra-op threads, or null for the default.</param>
/// <param name="Resume">Keep finished points of an interrupted run.</param>
/// <param name="Only">Run only these configs (file names without .json); empty for all.</param>
/// <param name="Arguments">The command line, for the manifest.</param>
public sealed record ReportRequest(string Profile, DirectoryInfo? Output, string Device, int? Threads, bool Resume, IReadOnlyList<string> Only, IReadOnlyList<string> Arguments);

/// <summary>
/// The report pipeline: runs every sweep of a profile (experiments/configs/&lt;profile&gt;/*.json), stages the data, builds the
/// report from <see cref="ClaimRegistry.Groups"/> (REPORT.md, report.html, figures, data, ledger.json, manifest.json) and
/// moves it into place.
/// </summary>
public static class ReportPipeline
{
    /// <summary>The configs of a profile, sorted by name.</summary>
    /// <param name="profile">Profile name.</param>
    public static IReadOnlyList<string> ProfileConfigs(string profile)
    {
        string folder = RepositoryPaths.ProfileConfigs(profile);
        if (!Directory.Exists(folder))
        {
            throw new CliInputException($"profile '{profile}' has no config folder {folder}");
        }

        return Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Refuses to resume from finished points that an earlier commit computed: every result line carries its run's manifest
    /// id, which starts with the abbreviated commit.
    /// </summary>
    private static void RequireSameCommit(string work, IReadOnlyList<SweepConfig> configs, string manifestId)
    {
        string commit = manifestId.Split('-')[0];
        foreach (var config in configs)
        {
            string store = Path.Combine(work, Path.GetFileNameWithoutExtension(config.Path) + ".jsonl");
            if (!File.Exists(store))
            {
                continue;
            }

            var other = ResultStore.Read(store).Select(r => r.Manifest?.Split('-')[0] ?? "unknown").FirstOrDefault(c => c != commit);
            if (other is not null)
            {
                throw new CliInputException($"--resume: finished points in {store} were computed by commit {other}, but this is commit {commit}; rerun without --resume so every number comes from one version of the code");
            }
        }
    }

    /// <summary>Moves the staged report into the output folder (figures and data replaced as whole folders) and removes the stage.</summary>
    private static ReportOutput Publish(string stage, string outDir, ReportOutput staged)
    {
        Directory.CreateDirectory(outDir);
        foreach (string folder in new[] { "figures", "data" })
        {
            string target = Path.Combine(outDir, folder);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, true);
            }

            Directory.Move(Path.Combine(stage, folder), target);
        }

        foreach (string file in new[] { "manifest.json", "REPORT.md", "report.html" })
        {
            File.Move(Path.Combine(stage, file), Path.Combine(outDir, file), overwrite: true);
        }

        Directory.Delete(stage, true);
        return staged with { MarkdownPath = Path.Combine(outDir, "REPORT.md"), HtmlPath = Path.Combine(outDir, "report.html") };
    }

    /// <summary>Runs every sweep of the request's profile, builds the report from <see cref="ClaimRegistry.Groups"/> in a staging folder and publishes it.</summary>
    /// <param name="request">What to run and where to write.</param>
    /// <param name="stdout">Where progress and the ledger summary go.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(ReportRequest request, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (profile, output, device, threads, resume, only, arguments) = request;
        return Run(profile, output, device, threads, resume, only, arguments, stdout);
    }

    private static int Run(string profile, DirectoryInfo? output, string device, int? threads, bool resume, IReadOnlyList<string> only, IReadOnlyList<string> arguments, TextWriter stdout)
    {
        if (threads is { } t)
        {
            if (t < 1)
            {
                throw new CliInputException($"--threads must be at least 1, got {t}");
            }

            TorchRuntime.Configure(t);
        }

        SweepCommand.RequireDevice(device);
        string root = RepositoryPaths.Root();
        string outDir = output?.FullName ?? Path.Combine(root, "reports", profile == "quick" ? string.Empty : profile);
        var configPaths = ProfileConfigs(profile);
        var unknown = only.Where(o => configPaths.All(p => Path.GetFileNameWithoutExtension(p) != o)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliInputException($"--only: profile '{profile}' has no config {string.Join(", ", unknown)}; it has {string.Join(", ", configPaths.Select(Path.GetFileNameWithoutExtension))}");
        }

        // Load and validate every config before anything runs or is written.
        var configs = configPaths
            .Where(p => only.Count == 0 || only.Contains(Path.GetFileNameWithoutExtension(p)))
            .Select(SweepConfig.Load)
            .ToList();
        SweepCommand.RequireDeviceSupport(device, configs.Select(c => c.Experiment));
        var console = SweepConsole.For(stdout);
        string work = Path.Combine(outDir, ".work", profile);
        if (!resume && Directory.Exists(work))
        {
            Directory.Delete(work, true);
        }

        Directory.CreateDirectory(work);
        var manifest = RunManifest.Capture("report", [.. arguments], device) with
        {
            Config = RepositoryPaths.Relative(RepositoryPaths.ProfileConfigs(profile)),
            ConfigFiles = configs.Select(c => RepositoryPaths.Relative(c.Path)).ToList(),
            MasterSeed = configs.Count > 0 ? configs[0].Seed : null,
        };

        using var cancel = new CancellationTokenSource();
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, s =>
        {
            if (!cancel.IsCancellationRequested)
            {
                s.Cancel = true;
                cancel.Cancel();
            }
        });

        if (resume)
        {
            RequireSameCommit(work, configs, manifest.Id);
        }

        var sweeps = new Dictionary<string, SweepResults>();
        var committedLines = new Dictionary<string, MergeOutcome>();
        var counts = new Dictionary<string, long>();
        foreach (var config in configs)
        {
            string name = Path.GetFileNameWithoutExtension(config.Path);
            var plan = config.Plan();
            string store = Path.Combine(work, name + ".jsonl");
            console.MarkupLineInterpolated($"[bold]{name}[/]: {config.Experiment.Name}, {plan.Points.Count} points");
            SweepRunSummary summary;
            using (var results = ResultStore.Open(store, plan, null, resume: true))
            {
                summary = SweepRunner.Run(plan, new SweepRunOptions { Device = device, ManifestId = manifest.Id, Console = console, Cancellation = cancel.Token }, results);
            }

            counts[name] = summary.Results.Count;
            if (summary.Interrupted)
            {
                console.MarkupLineInterpolated($"interrupted: finished points are kept in {work}; rerun with --resume to continue");
                return ExitCodes.Interrupted;
            }

            sweeps[name] = new SweepResults(name, RepositoryPaths.Relative(config.Path), config.Experiment.Name, summary.Results.Select(r => new SweepRecord(r.Point, r.Result)).ToList());
        }

        // Committed evidence of the decisive profile (never run here): read as it stands, for the configs this profile lacks.
        foreach (var (sweep, lines) in DecisiveEvidence.Load(root))
        {
            if (sweeps.TryAdd(sweep.ConfigName, sweep))
            {
                committedLines[sweep.ConfigName] = lines;
                console.MarkupLineInterpolated($"[bold]{sweep.ConfigName}[/]: committed evidence, {sweep.Committed!.Points} of {sweep.Committed.Planned} points from {sweep.Committed.Folder}/");
            }
        }

        // The report is built in a staging folder and only then moved into place, so a failure leaves the previous report whole.
        string stage = Path.Combine(work, "stage-" + manifest.Id);
        var context = new ReportContext(profile, stage, sweeps, $"./ntkproofs report --profile {profile}" + (output is null ? string.Empty : $" --out {RepositoryPaths.Relative(outDir)}"))
        {
            CommittedBench = CommittedBench.Load(root),
        };
        Directory.CreateDirectory(context.DataFolder);
        foreach (var config in configs)
        {
            string name = Path.GetFileNameWithoutExtension(config.Path);
            File.Copy(Path.Combine(work, name + ".jsonl"), Path.Combine(context.DataFolder, name + ".jsonl"), overwrite: true);
        }

        foreach (var (name, lines) in committedLines)
        {
            ResultMerger.Write(lines, Path.Combine(context.DataFolder, name + ".jsonl"));
        }

        manifest = manifest.Finish(RunStatus.Completed, counts);
        var staged = ReportBuilder.Build(context, ClaimRegistry.Groups, (JsonObject)JsonNode.Parse(manifest.ToJson())!);
        var report = Publish(stage, outDir, staged);
        var table = new Table().Title(Markup.Escape($"claims ledger ({profile})"));
        table.AddColumns("id", "verdict", "headline");
        foreach (var row in report.Ledger)
        {
            string headline = row.Result.Headline;
            table.AddRow(row.Id, Markup.Escape(VerdictText.Of(row.Result.Verdict)), Markup.Escape(headline.Length > 160 ? headline[..157] + "..." : headline));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"wrote {report.MarkdownPath}, {report.HtmlPath} ({manifest.WallSeconds?.ToString("F0", CultureInfo.InvariantCulture)} s)");
        return ExitCodes.Success;
    }
}
