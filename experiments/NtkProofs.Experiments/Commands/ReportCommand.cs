using System.CommandLine;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs report</c>, the main job: parses its options and calls <see cref="ReportPipeline"/>, which runs every sweep of a profile (experiments/configs/&lt;profile&gt;/*.json), then
/// writes REPORT.md, report.html, figures (PNG, SVG), data (JSONL, CSV, ledger.json) and manifest.json.
/// </summary>
public sealed class ReportCommand : ICliCommand
{
    /// <summary>The profiles, smallest first.</summary>
    public static readonly string[] Profiles = ["smoke", "quick", "full", "gpu"];

    /// <inheritdoc />
    public Command Build()
    {
        var profile = new Option<string>("--profile") { Description = "smoke (CI, under 2 minutes), quick (the committed report, under 20 minutes on 2 cores), full (paper scale, big machines) or gpu (attention and lemma sweeps at GPU scale; use with --device cuda, see scripts/gpu).", DefaultValueFactory = _ => "quick" };
        profile.AcceptOnlyFromAmong(Profiles);
        var output = new Option<DirectoryInfo?>("--out") { Description = "Report folder (default: reports/ for quick, reports/<profile>/ otherwise)." };
        var device = new Option<string>("--device") { Description = "Device for the experiments: cpu, cuda or cuda:N (no CPU fallback: an experiment that cannot use CUDA is refused).", DefaultValueFactory = _ => "cpu" };
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

    private static int Run(string profile, DirectoryInfo? output, string device, int? threads, bool resume, string[] only, string[] arguments, TextWriter stdout) =>
        ReportPipeline.Run(new ReportRequest(profile, output, device, threads, resume, only, arguments), stdout);
}
