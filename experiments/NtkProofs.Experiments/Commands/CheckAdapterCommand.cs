using System.CommandLine;
using System.Globalization;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Verification;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs check-adapter</c>: regression check of a saved adapter folder (as written by <c>ntkproofs finetune</c>)
/// against its base model with <see cref="AdapterVerifier"/>; prints a table of checks. Exit 0 when every check passes,
/// 1 when one fails (the reasons are printed), 2 for a missing or unreadable folder. <c>--device</c> runs the probe forward
/// on cpu, cuda or cuda:N (loading and the other checks run on the CPU copy).
/// </summary>
public sealed class CheckAdapterCommand : ICliCommand
{
    /// <summary>The base models <c>--model</c> accepts.</summary>
    public static IReadOnlyDictionary<string, EncoderSource> Models { get; } = new Dictionary<string, EncoderSource>(StringComparer.Ordinal)
    {
        ["minilm"] = EncoderSource.MiniLm,
    };

    /// <inheritdoc />
    public Command Build()
    {
        var adapter = new Option<DirectoryInfo>("--adapter") { Description = "The adapter folder (adapter_config.json, adapter_model.safetensors, checkpoint.json, probe.safetensors).", Required = true };
        var model = new Option<string>("--model") { Description = "The base model the adapter was trained on.", DefaultValueFactory = _ => "minilm" };
        model.AcceptOnlyFromAmong([.. Models.Keys]);
        var tolerance = new Option<double?>("--tolerance")
        {
            Description = FormattableString.Invariant($"Accept the recomputed probe logits when ||new - saved||_F <= T (||saved||_F + sqrt(count)) (default: relative {Tolerance.SavedOutputs.Relative:G}, absolute {Tolerance.SavedOutputs.Absolute:G} per element)."),
        };
        var device = ExperimentFront.DeviceOption();
        var command = new Command("check-adapter", "Check a saved adapter against its base model: shapes, parameter counts, finite weights, k >= 0 (NTK-Attention), the saved probe outputs reproduced, and Theorem B for prefix-built NTK adapters.")
        {
            adapter, model, tolerance, device,
        };
        command.SetAction(parse =>
        {
            var placement = SweepCommand.RequireDevice(parse.GetValue(device)!);
            double? t = parse.GetValue(tolerance);
            if (t is { } given && (!(given > 0) || !double.IsFinite(given)))
            {
                throw new CliInputException(FormattableString.Invariant($"--tolerance must be a finite number > 0, got {given}"));
            }

            return Execute(parse.GetValue(adapter)!.FullName, Models[parse.GetValue(model)!], t is { } v ? new Tolerance(v, v) : Tolerance.SavedOutputs, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error ?? Console.Error, placement);
        });
        return command;
    }

    /// <summary>Runs the checks and prints them; returns the exit code.</summary>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="encoder">The base model.</param>
    /// <param name="tolerance">Probe tolerance.</param>
    /// <param name="stdout">Where the table goes.</param>
    /// <param name="stderr">Where the failure reasons go.</param>
    /// <param name="placement">Where the probe forward runs (null: the CPU).</param>
    internal static int Execute(string directory, EncoderSource encoder, Tolerance tolerance, TextWriter stdout, TextWriter stderr, DevicePlacement? placement = null)
    {
        AdapterVerification verification;
        try
        {
            verification = AdapterVerifier.Verify(directory, encoder, tolerance, placement);
        }
        catch (Exception e) when (e is AdapterLoadException or NotSupportedException)
        {
            throw new CliInputException(e.Message, e);
        }

        var console = SweepConsole.For(stdout);
        var table = new Table().Title(Markup.Escape($"check-adapter {directory} ({verification.Method} on {encoder.Name})"));
        table.AddColumns("check", "result", "detail");
        foreach (var check in verification.Checks)
        {
            string result = check.Status switch
            {
                AdapterCheckStatus.Passed => "[green]pass[/]",
                AdapterCheckStatus.NotApplicable => "[grey]n/a[/]",
                _ => $"[red]{Markup.Escape(check.StatusText)}[/]",
            };
            table.AddRow(Markup.Escape(check.Name), result, Markup.Escape(check.Detail));
        }

        console.Write(table);
        if (verification.Passed)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check-adapter: all {verification.Checks.Count(c => c.Status == AdapterCheckStatus.Passed)} applicable checks passed"));
            return ExitCodes.Success;
        }

        foreach (var problem in verification.Problems)
        {
            stderr.WriteLine($"check-adapter: {problem.Name}: {problem.StatusText}: {problem.Detail}");
        }

        return ExitCodes.CheckFailed;
    }
}
