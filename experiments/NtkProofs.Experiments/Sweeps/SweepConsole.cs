using Spectre.Console;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>The Spectre console a command writes to: the real one for standard output, a plain one for any other writer (tests).</summary>
internal static class SweepConsole
{
    /// <summary>A console writing to <paramref name="output"/>.</summary>
    /// <param name="output">The command's standard output.</param>
    public static IAnsiConsole For(TextWriter output)
    {
        if (ReferenceEquals(output, Console.Out))
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        return console;
    }
}
