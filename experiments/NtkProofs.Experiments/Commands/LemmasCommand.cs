using System.CommandLine;
using NtkProofs.Experiments.Cli;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary><c>ntkproofs lemmas</c>: runs L1-L3 for every value path at a default size and prints a table of verdicts.</summary>
public sealed class LemmasCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var scale = new Option<string>("--scale") { Description = "Output scale alpha(m).", DefaultValueFactory = _ => "sqrt" };
        scale.AcceptOnlyFromAmong("sqrt", "linear");
        var seed = new Option<long>("--seed") { Description = "Master seed.", DefaultValueFactory = _ => NtkProofs.Numerics.Seeds.Master };
        var command = new Command("lemmas", "Run the lemma checks L1-L3 for every value path at the default size and print a table of results.") { scale, seed };
        command.SetAction(parse =>
        {
            var options = LemmaSuiteOptions.Default with
            {
                Scale = parse.GetValue(scale) == "linear" ? OutputScale.Linear : OutputScale.SqrtM,
                MasterSeed = parse.GetValue(seed),
            };
            return Run(options);
        });
        return command;
    }

    private static int Run(LemmaSuiteOptions options)
    {
        IReadOnlyList<LemmaCheck> checks = [];
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                (checks, _) = LemmaSuite.Run(options, (label, done, total) =>
                {
                    if (!tasks.TryGetValue(label, out var task))
                    {
                        task = tasks[label] = ctx.AddTask(Markup.Escape(label), maxValue: total);
                    }

                    task.Value = done;
                });
            });

        var table = new Table().Title($"NTK lemma checks (master seed {options.MasterSeed})");
        table.AddColumns("lemma", "setting", "statement", "measured", "criterion", "verdict");
        foreach (var c in checks)
        {
            string verdict = c.Verdict switch
            {
                LemmaVerdict.Holds => "[green]holds[/]",
                LemmaVerdict.Fails => "[red]FAILS[/]",
                _ => "[yellow]recorded[/]",
            };
            table.AddRow(Markup.Escape(c.Lemma), Markup.Escape(c.Setting), Markup.Escape(c.Statement), Markup.Escape(c.Measured), Markup.Escape(c.Criterion), verdict);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Regenerate: [bold]dotnet run --project experiments/NtkProofs.Experiments -c Release -- lemmas --seed {options.MasterSeed}[/]");
        return checks.Any(c => c.Verdict == LemmaVerdict.Fails) ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
