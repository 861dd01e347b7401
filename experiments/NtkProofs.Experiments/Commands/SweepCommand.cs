using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs sweep &lt;experiment&gt; --config FILE</c>: runs every point of a config (or one shard of it), appending
/// each result to <c>&lt;out&gt;/&lt;experiment&gt;[.shard-i-of-N].jsonl</c> as soon as it finishes, and writes
/// <c>&lt;out&gt;/manifest.json</c>. Interrupted sweeps continue with <c>--resume</c>.
/// </summary>
public sealed class SweepCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var experiment = new Argument<string>("experiment") { Description = $"Experiment to run; must match the config's \"experiment\". Known: {string.Join(", ", ExperimentRegistry.All.Select(e => e.Name))}." };
        var config = new Option<FileInfo>("--config") { Description = "Sweep config (JSON; see experiments/configs/README.md).", Required = true };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Results folder (default sweeps/<experiment>/): <experiment>.jsonl (or <experiment>.shard-i-of-N.jsonl) and manifest.json." };
        var shard = new Option<string?>("--shard") { Description = "Run only shard i of N (1-based, e.g. 2/8 for a cluster job array): the points whose index % N == i - 1. Join shards with 'ntkproofs merge'." };
        var resume = new Option<bool>("--resume") { Description = "Continue the results file in --out: points already there are skipped. Without it an existing non-empty results file is an error." };
        var device = new Option<string>("--device") { Description = "Device the experiment computes on: cpu, cuda or cuda:N (no CPU fallback).", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (default: one per logical core)." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar or messages (CI); the summary table is still printed." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate the config and print the plan (points, shard sizes, the first points) without running anything." };
        var command = new Command("sweep", "Run an experiment over the points of a config, appending results as JSON lines (resumable, shardable).")
        {
            experiment, config, output, shard, resume, device, threads, quiet, dryRun,
        };
        command.SetAction(parse => Run(
            new Request(
                parse.GetValue(experiment)!,
                parse.GetValue(config)!,
                parse.GetValue(output),
                parse.GetValue(shard),
                parse.GetValue(resume),
                parse.GetValue(device)!,
                parse.GetValue(threads),
                parse.GetValue(quiet),
                parse.GetValue(dryRun),
                [.. parse.Tokens.Select(t => t.Value)]),
            parse.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>The default results folder of an experiment, relative to the working directory.</summary>
    /// <param name="experiment">Experiment name.</param>
    public static string DefaultOut(string experiment) => Path.Combine("sweeps", experiment);

    /// <summary>The results file name of an experiment (and shard).</summary>
    /// <param name="experiment">Experiment name.</param>
    /// <param name="shard">The shard, or null.</param>
    public static string ResultsFileName(string experiment, ShardSpec? shard) =>
        shard is { } s ? $"{experiment}.{s.FileSuffix}.jsonl" : $"{experiment}.jsonl";

    /// <summary>Fails with <see cref="CliInputException"/> unless <paramref name="device"/> parses ("cpu", "cuda", "cuda:N") and exists here.</summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    /// <returns>The placement.</returns>
    public static DevicePlacement RequireDevice(string device)
    {
        try
        {
            return DevicePlacement.Parse(device).RequireAvailable();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliInputException(e.Message);
        }
    }

    /// <summary>Fails with <see cref="CliInputException"/> when <paramref name="device"/> is CUDA and an experiment would compute on the CPU anyway.</summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    /// <param name="experiments">The experiments that would run.</param>
    public static void RequireDeviceSupport(string device, IEnumerable<IExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        bool cuda = device.StartsWith("cuda", StringComparison.Ordinal);
        var cpuOnly = experiments.Where(e => cuda && !e.SupportsCuda).Select(e => e.Name).Distinct().ToList();
        if (cpuOnly.Count > 0)
        {
            throw new CliInputException($"--device {device}: experiment(s) {string.Join(", ", cpuOnly)} compute on the CPU only (not wired to the device seam); use --device cpu");
        }
    }

    private static int Run(Request request, TextWriter stdout)
    {
        if (request.Threads is { } t)
        {
            if (t < 1)
            {
                throw new CliInputException($"--threads must be at least 1, got {t}");
            }

            TorchRuntime.Configure(t);
        }

        RequireDevice(request.Device);
        var config = SweepConfig.Load(request.Config.FullName);
        RequireDeviceSupport(request.Device, [config.Experiment]);
        if (config.Experiment.Name != request.Experiment)
        {
            throw new CliInputException($"{config.Path} is a config for experiment '{config.Experiment.Name}', but the command line names '{request.Experiment}'");
        }

        ShardSpec? shard = request.Shard is null ? null : ShardSpec.Parse(request.Shard);
        var plan = config.Plan();
        string outDir = (request.Out?.FullName) ?? Path.GetFullPath(DefaultOut(config.Experiment.Name));
        if (File.Exists(outDir))
        {
            throw new CliInputException($"--out {outDir} is an existing file, not a folder");
        }

        string resultsPath = Path.Combine(outDir, ResultsFileName(config.Experiment.Name, shard));
        var console = SweepConsole.For(stdout);
        if (request.DryRun)
        {
            PrintPlan(console, plan, shard, resultsPath);
            return ExitCodes.Success;
        }

        using var store = ResultStore.Open(resultsPath, plan, shard, request.Resume);
        var manifest = RunManifest.Capture("sweep", request.Arguments, request.Device) with
        {
            Experiment = config.Experiment.Name,
            Config = config.Path,
            ConfigFiles = config.Files,
            ConfigFingerprint = config.Fingerprint,
            MasterSeed = config.Seed,
            Shard = shard?.ToString(),
            Files = [resultsPath],
        };
        manifest.Write(outDir);

        using var cancel = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, s => OnSignal(s, cancel));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, s => OnSignal(s, cancel));
        SweepRunSummary summary;
        try
        {
            summary = SweepRunner.Run(plan, new SweepRunOptions
            {
                Shard = shard,
                Device = request.Device,
                ManifestId = manifest.Id,
                Console = request.Quiet ? null : console,
                Cancellation = cancel.Token,
            }, store);
        }
        catch (Exception e)
        {
            // On a full disk the atomic write (a new file) fails too: the manifest then is rewritten in place, in the
            // blocks it already holds, so it never stays "running" after a failure.
            var failed = manifest.Finish(RunStatus.Failed, error: e.Message);
            try
            {
                failed.Write(outDir);
            }
            catch (Exception w) when (w is IOException or UnauthorizedAccessException)
            {
                failed.WriteInPlace(outDir);
            }

            throw;
        }

        var counts = new Dictionary<string, long>
        {
            ["plan_points"] = plan.Points.Count,
            ["shard_points"] = summary.Planned,
            ["already_done"] = summary.AlreadyDone,
            ["computed"] = summary.Computed,
            ["remaining"] = summary.Remaining,
        };
        manifest = manifest.Finish(summary.Interrupted ? RunStatus.Interrupted : RunStatus.Completed, counts);
        manifest.Write(outDir);
        PrintSummary(console, plan, shard, summary, resultsPath, manifest, outDir);
        if (summary.Interrupted)
        {
            console.MarkupLineInterpolated($"interrupted: {summary.Results.Count} of {summary.Planned} points are in {resultsPath}; rerun the same command with --resume to continue");
            return ExitCodes.Interrupted;
        }

        return ExitCodes.Success;
    }

    private static void OnSignal(PosixSignalContext signal, CancellationTokenSource cancel)
    {
        if (cancel.IsCancellationRequested)
        {
            return; // second signal: default handling (terminate); the results file is still consistent.
        }

        signal.Cancel = true;
        cancel.Cancel();
    }

    private static void PrintPlan(IAnsiConsole console, SweepPlan plan, ShardSpec? shard, string resultsPath)
    {
        var config = plan.Config;
        var table = new Table().Title(Markup.Escape($"plan of {config.Path}"));
        table.AddColumns("", "").HideHeaders();
        table.AddRow("experiment", Markup.Escape($"{config.Experiment.Name}: {config.Experiment.Description}"));
        table.AddRow("master seed", config.Seed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("points", plan.Points.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var axis in config.Axes)
        {
            table.AddRow(Markup.Escape($"axis {axis.Name}"), Markup.Escape($"{axis.Values.Count} values: {string.Join(", ", axis.Values.Select((_, i) => axis.Item(i).ToJsonString()))}"));
        }

        foreach (var (name, value) in config.Defaults.Where(d => config.Axes.All(a => a.Name != d.Key && !a.BoundNames.Contains(d.Key, StringComparer.Ordinal))).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape($"fixed {name}"), Markup.Escape(value.ToJsonString()));
        }

        if (shard is { } s)
        {
            table.AddRow("shard", Markup.Escape($"{s}: {plan.Select(s).Count} points"));
        }

        table.AddRow("results", Markup.Escape(resultsPath));
        table.AddRow("estimated cost", Markup.Escape(SweepCostModel.Estimate(plan, shard).Describe()));
        console.Write(table);
        foreach (var p in plan.Select(shard).Take(10))
        {
            console.WriteLine(FormattableString.Invariant($"  #{p.Index} {p.Point.Key} {plan.Describe(p.Point)}"));
        }
    }

    private static void PrintSummary(IAnsiConsole console, SweepPlan plan, ShardSpec? shard, SweepRunSummary summary, string resultsPath, RunManifest manifest, string outDir)
    {
        var table = new Table().Title(Markup.Escape($"sweep {plan.Experiment}{(summary.Interrupted ? " (interrupted)" : "")}"));
        table.AddColumns("", "").HideHeaders();
        table.AddRow("config", Markup.Escape(plan.Config.Path));
        table.AddRow("master seed", plan.Config.Seed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("points", shard is { } s ? Markup.Escape($"{summary.Planned} in shard {s} of {plan.Points.Count}") : summary.Planned.ToString(CultureInfo.InvariantCulture));
        table.AddRow("already done", summary.AlreadyDone.ToString(CultureInfo.InvariantCulture));
        table.AddRow("computed now", summary.Computed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("remaining", summary.Remaining.ToString(CultureInfo.InvariantCulture));
        table.AddRow("wall time", summary.Wall.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s");
        table.AddRow("results", Markup.Escape(resultsPath));
        table.AddRow("manifest", Markup.Escape($"{Path.Combine(outDir, RunManifest.FileName)} (id {manifest.Id})"));
        console.Write(table);
    }

    private sealed record Request(string Experiment, FileInfo Config, DirectoryInfo? Out, string? Shard, bool Resume, string Device, int? Threads, bool Quiet, bool DryRun, IReadOnlyList<string> Arguments);
}
