using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// The one pipeline behind the front commands: each command is a thin front over registered experiments and the profile's
/// config files, so its numbers are the report's numbers for the same config and seed. It loads
/// experiments/configs/&lt;profile&gt;/&lt;name&gt;.json, applies the command's flags as a config that extends it, runs the
/// sweep in process with <see cref="SweepRunner"/> (the same engine as <c>sweep</c> and <c>report</c>), evaluates the claims
/// that read only these configs with their registered rules (<see cref="ClaimRegistry"/>), and writes the output set as a
/// unit through <see cref="OutputSet"/>: &lt;name&gt;.jsonl (the sweep's lines), &lt;name&gt;.config.json (the config that
/// ran; <c>ntkproofs sweep &lt;experiment&gt; --config</c> it to reproduce), &lt;command&gt;.json (claims and numbers) and
/// manifest.json. A failure or an interruption before the end leaves every earlier output untouched.
/// </summary>
public static class ExperimentFront
{
    /// <summary>The profiles a front command accepts.</summary>
    public static readonly string[] Profiles = ReportCommand.Profiles;

    /// <summary>The common <c>--profile</c> option (default quick, the committed report's profile).</summary>
    public static Option<string> ProfileOption()
    {
        var profile = new Option<string>("--profile") { Description = "Which configs to run: experiments/configs/<profile>/ (smoke: seconds; quick: the committed report; full: paper scale).", DefaultValueFactory = _ => "quick" };
        profile.AcceptOnlyFromAmong(Profiles);
        return profile;
    }

    /// <summary>
    /// The common <c>--device</c> option: cpu, cuda or cuda:N. The spelling is checked when parsing; whether the device exists
    /// is checked by the command (<see cref="SweepCommand.RequireDevice"/>), with a one-line error and exit 2, never a CPU fallback.
    /// </summary>
    public static Option<string> DeviceOption()
    {
        var device = new Option<string>("--device") { Description = "Device to compute on: cpu, cuda or cuda:N (no CPU fallback).", DefaultValueFactory = _ => "cpu" };
        device.Validators.Add(result =>
        {
            string? text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (text is not null)
            {
                try
                {
                    _ = DevicePlacement.Parse(text);
                }
                catch (ArgumentException e)
                {
                    result.AddError(e.Message.Split(" (Parameter")[0]);
                }
            }
        });
        return device;
    }

    /// <summary>The common <c>--threads</c> option.</summary>
    public static Option<int?> ThreadsOption() => new("--threads") { Description = "TorchSharp intra-op threads (default: one per logical core)." };

    /// <summary>The common <c>--seed</c> option (default: the config's seed).</summary>
    public static Option<long?> SeedOption() => new("--seed") { Description = "Master seed (default: the config's, 20240620)." };

    /// <summary>Refuses (one line, exit 2) any <c>--feature</c> value that is not a feature map of dimension <paramref name="dim"/>.</summary>
    /// <param name="maps">The --feature values, or null when none were given.</param>
    /// <param name="dim">Input dimension the maps are parsed for.</param>
    public static void RequireFeatureMaps(IEnumerable<string>? maps, int dim)
    {
        foreach (var spec in maps ?? [])
        {
            try
            {
                _ = NtkProofs.FeatureMaps.FeatureMapParser.Parse(spec, dim);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new CliInputException($"--feature: {e.Message}", e);
            }
        }
    }

    /// <summary>Sets the thread count when given (refusing values below 1).</summary>
    /// <param name="threads">The --threads value.</param>
    public static void ConfigureThreads(int? threads)
    {
        if (threads is { } t)
        {
            if (t < 1)
            {
                throw new CliInputException($"--threads must be at least 1, got {t}");
            }

            TorchRuntime.Configure(t);
        }
    }

    /// <summary>Runs the request; returns the exit code.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="stdout">Where progress and tables go.</param>
    public static int Run(FrontRequest request, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        var outcome = Execute(request, stdout);
        return outcome is null ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    /// <summary>
    /// Runs the request and returns what it wrote (null when interrupted: nothing written). Public for tests, which compare
    /// the command's lines with a sweep's.
    /// </summary>
    /// <param name="request">What to run.</param>
    /// <param name="stdout">Where progress and tables go.</param>
    public static FrontOutcome? Execute(FrontRequest request, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        SweepCommand.RequireDevice(request.Device);
        string folder = RepositoryPaths.ProfileConfigs(request.Profile);
        var bases = new List<(string Name, string Path, SweepConfig Config)>();
        foreach (var name in request.Configs)
        {
            string path = Path.Combine(folder, name + ".json");
            if (!File.Exists(path))
            {
                throw new CliInputException($"profile '{request.Profile}' has no config {name} ({RepositoryPaths.Relative(path)})");
            }

            bases.Add((name, path, SweepConfig.Load(path)));
        }

        var console = SweepConsole.For(stdout);
        using var set = OutputSet.Begin(request.Output.FullName);
        var configs = new List<(string Name, string Path, SweepConfig Config)>();
        foreach (var (name, path, config) in bases)
        {
            ConfigOverlay overlay;
            try
            {
                overlay = request.Overlay(name, new ConfigOverlay(config));
            }
            catch (ArgumentException e)
            {
                throw new CliInputException($"{request.Command}: {e.Message}", e);
            }

            string overlayPath = set.PathOf(name + ".config.json");
            AtomicFile.WriteAllText(overlayPath, overlay.ToJson(path).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            try
            {
                configs.Add((name, path, SweepConfig.Load(overlayPath)));
            }
            catch (ArgumentException e)
            {
                throw new CliInputException($"{request.Command}: the flags do not fit {RepositoryPaths.Relative(path)}: {e.Message.Replace(overlayPath + ": ", string.Empty, StringComparison.Ordinal).Replace(overlayPath, "the flags", StringComparison.Ordinal)}", e);
            }
        }

        SweepCommand.RequireDeviceSupport(request.Device, configs.Select(c => c.Config.Experiment));
        var manifest = RunManifest.Capture(request.Command, request.Arguments, request.Device) with
        {
            Config = RepositoryPaths.Relative(folder),
            ConfigFiles = configs.Select(c => RepositoryPaths.Relative(c.Path)).ToList(),
            MasterSeed = configs.Count > 0 ? configs[0].Config.Seed : null,
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

        var sweeps = new Dictionary<string, SweepResults>(StringComparer.Ordinal);
        var lines = new Dictionary<string, IReadOnlyList<SweepResult>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, path, config) in configs)
        {
            var plan = config.Plan();
            var summary = SweepRunner.Run(plan, new SweepRunOptions { Device = request.Device, ManifestId = manifest.Id, Console = console, Cancellation = cancel.Token });
            if (summary.Interrupted)
            {
                console.MarkupLine("interrupted: nothing written, earlier outputs kept");
                return null;
            }

            lines[name] = summary.Results;
            counts[name] = summary.Results.Count;
            sweeps[name] = new SweepResults(name, RepositoryPaths.Relative(path), config.Experiment.Name, summary.Results.Select(r => new SweepRecord(r.Point, r.Result)).ToList());
            JsonLinesWriter.WriteAll(set.PathOf(name + ".jsonl"), summary.Results.Select(r => r.ToJson()));
        }

        var context = new ReportContext(request.Profile, set.Staging, sweeps, $"./ntkproofs report --profile {request.Profile}");
        var inputs = new ClaimInputs(context);
        var claims = ClaimRegistry.All
            .Where(c => c.Configs.Count > 0 && c.Configs.All(sweeps.ContainsKey))
            .Select(c => (Claim: c, Result: Evaluate(c, inputs)))
            .ToList();

        var summaryJson = new JsonObject
        {
            ["command"] = request.CommandLine,
            ["profile"] = request.Profile,
            ["description"] = "The report's experiments and configs for this command (experiments/configs/<profile>/), with the command's flags applied as <name>.config.json; the claims are evaluated by the report's rules.",
            ["configs"] = new JsonArray([.. configs.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["profile_config"] = RepositoryPaths.Relative(c.Path),
                ["experiment"] = c.Config.Experiment.Name,
                ["seed"] = c.Config.Seed,
                ["fingerprint"] = c.Config.Fingerprint,
                ["points"] = counts[c.Name],
            })]),
            ["claims"] = new JsonArray([.. claims.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Claim.Id,
                ["statement"] = c.Claim.Statement,
                ["verdict"] = VerdictText.Of(c.Result.Verdict),
                ["headline"] = c.Result.Headline,
                ["numbers"] = new JsonArray([.. c.Result.Numbers.Select(n => (JsonNode)n)]),
                ["against"] = new JsonArray([.. c.Result.AgainstList.Select(n => (JsonNode)n)]),
                ["rule"] = c.Result.Rule,
                ["decider"] = c.Result.Decider,
            })]),
            ["manifest"] = manifest.Id,
        };
        AtomicFile.WriteAllText(set.PathOf(request.Command + ".json"), summaryJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        manifest = manifest.Finish(RunStatus.Completed, counts);
        AtomicFile.WriteAllText(set.PathOf(RunManifest.FileName), manifest.ToJson() + "\n");
        set.Commit();

        var table = new Table().Title(Markup.Escape($"{request.Command}: claims from the report's rules ({request.Profile} profile)"));
        table.AddColumns("id", "verdict", "headline");
        foreach (var (claim, result) in claims)
        {
            table.AddRow(claim.Id, Markup.Escape(VerdictText.Of(result.Verdict)), Markup.Escape(result.Headline));
        }

        console.Write(table);
        foreach (var (claim, result) in claims)
        {
            console.MarkupLine(Markup.Escape($"{claim.Id}: {claim.Statement}"));
            foreach (var number in result.Numbers)
            {
                console.MarkupLine(Markup.Escape("  " + number));
            }

            foreach (var against in result.AgainstList)
            {
                console.MarkupLine(Markup.Escape("  against: " + against));
            }
        }

        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"wrote {string.Join(", ", configs.Select(c => c.Name + ".jsonl"))}, {request.Command}.json and manifest.json to {set.Target} ({manifest.WallSeconds:F0} s)")));
        console.MarkupLine(Markup.Escape($"Regenerate: {request.CommandLine}"));
        return new FrontOutcome(set.Target, lines, claims.Select(c => (c.Claim.Id, c.Result)).ToList());
    }

    /// <summary>
    /// A claim's result; a rule that cannot evaluate this (flag-narrowed) evidence is reported as inconclusive with its
    /// message, so the measurements are still written.
    /// </summary>
    private static ClaimResult Evaluate(IClaim claim, ClaimInputs inputs)
    {
        try
        {
            return claim.Evaluate(inputs);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new ClaimResult(Verdict.Inconclusive, "rule could not evaluate this evidence", [], "the report's rule", $"the rule needs more of the sweep than these flags kept: {e.Message}");
        }
    }
}
