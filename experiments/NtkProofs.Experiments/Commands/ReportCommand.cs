using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs report</c>, the main job: runs every sweep of a profile (experiments/configs/&lt;profile&gt;/*.json), then
/// writes REPORT.md, report.html, figures (PNG, SVG), data (JSONL, CSV, ledger.json) and manifest.json.
/// </summary>
public sealed class ReportCommand : ICliCommand
{
    /// <summary>The profiles, smallest first.</summary>
    public static readonly string[] Profiles = ["smoke", "quick", "full"];

    /// <inheritdoc />
    public Command Build()
    {
        var profile = new Option<string>("--profile") { Description = "smoke (CI, under 2 minutes), quick (the committed report, under 20 minutes on 2 cores) or full (paper scale, big machines).", DefaultValueFactory = _ => "quick" };
        profile.AcceptOnlyFromAmong(Profiles);
        var output = new Option<DirectoryInfo?>("--out") { Description = "Report folder (default: reports/ for quick, reports/<profile>/ otherwise)." };
        var device = new Option<string>("--device") { Description = "Device for the experiments that can use one.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (default: one per logical core)." };
        var resume = new Option<bool>("--resume") { Description = "Keep the finished points of an interrupted report run (in <out>/.work/<profile>/) instead of starting over." };
        var only = new Option<string[]>("--only") { Description = "Run only these configs of the profile (by file name without .json); the others' ledger rows say 'not run'.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("report", "Run the profile's experiments and write the report (Markdown, HTML, figures, data, claims ledger, manifest).")
        {
            profile, output, device, threads, resume, only,
        };
        command.SetAction(parse => Run(
            parse.GetValue(profile)!,
            parse.GetValue(output),
            parse.GetValue(device)!,
            parse.GetValue(threads),
            parse.GetValue(resume),
            parse.GetValue(only) ?? [],
            [.. parse.Tokens.Select(t => t.Value)],
            parse.InvocationConfiguration.Output));
        return command;
    }

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

    private static int Run(string profile, DirectoryInfo? output, string device, int? threads, bool resume, string[] only, string[] arguments, TextWriter stdout)
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
            .Where(p => only.Length == 0 || only.Contains(Path.GetFileNameWithoutExtension(p)))
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
        var manifest = RunManifest.Capture("report", arguments, device) with
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

        // The report is built in a staging folder and only then moved into place, so a failure leaves the previous report whole.
        string stage = Path.Combine(work, "stage-" + manifest.Id);
        var context = new ReportContext(profile, stage, sweeps, $"./ntkproofs report --profile {profile}" + (output is null ? string.Empty : $" --out {RepositoryPaths.Relative(outDir)}"));
        Directory.CreateDirectory(context.DataFolder);
        foreach (var config in configs)
        {
            string name = Path.GetFileNameWithoutExtension(config.Path);
            File.Copy(Path.Combine(work, name + ".jsonl"), Path.Combine(context.DataFolder, name + ".jsonl"), overwrite: true);
        }

        manifest = manifest.Finish(RunStatus.Completed, counts);
        var staged = ReportBuilder.Build(context, ReportBuilder.DefaultSections, (JsonObject)JsonNode.Parse(manifest.ToJson())!);
        var report = Publish(stage, outDir, staged);
        var table = new Table().Title(Markup.Escape($"claims ledger ({profile})"));
        table.AddColumns("id", "verdict", "key numbers");
        foreach (var row in report.Ledger)
        {
            table.AddRow(row.Id, Markup.Escape(VerdictText.Of(row.Verdict)), Markup.Escape(row.KeyNumber.Length > 160 ? row.KeyNumber[..157] + "..." : row.KeyNumber));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"wrote {report.MarkdownPath}, {report.HtmlPath} ({manifest.WallSeconds?.ToString("F0", CultureInfo.InvariantCulture)} s)");
        return ExitCodes.Success;
    }
}
