using System.CommandLine;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Cli;

/// <summary>Parses arguments and runs a command, mapping failures to <see cref="ExitCodes"/>.</summary>
public static class CliRunner
{
    /// <summary>The root command with every registered subcommand.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("ntkproofs: executable checks of the NTK claims of 'Towards Infinite-Long Prefix in Transformer' (arXiv 2406.14036).");
        foreach (var command in CommandRegistry.All)
        {
            root.Subcommands.Add(command.Build());
        }

        return root;
    }

    /// <summary>Runs the CLI. Parse errors and invalid input exit with <see cref="ExitCodes.BadInput"/>.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output (for tests).</param>
    /// <param name="error">Standard error (for tests).</param>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        DeterministicBlas.Ensure();
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }

            error.WriteLine("Run 'ntkproofs --help' (or '<command> --help') for usage.");
            return ExitCodes.BadInput;
        }

        if (Console.IsOutputRedirected)
        {
            // Logs and CI: do not wrap tables at 80 columns.
            Spectre.Console.AnsiConsole.Profile.Width = 240;
        }

        try
        {
            LibTorchLocation.LoadFromEnvironment();   // before any TorchSharp call: NTKPROOFS_LIBTORCH
            TorchRuntime.Configure();
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or CliInputException
            or System.Text.DecoderFallbackException or System.Text.Json.JsonException or FormatException or LibTorchLocationException)
        {
            error.WriteLine($"error: {OneLine(e)}");
            return ExitCodes.BadInput;
        }
        catch (TypeInitializationException e) when (e.TypeName == "TorchSharp.torch")
        {
            string cause = OneLine(e.InnerException ?? e);
            error.WriteLine($"error: libtorch did not load ({cause[..Math.Min(cause.Length, 160)]}); a build with -p:TorchBackend=none (the GPU bundle) needs {LibTorchLocation.Variable}=/path/to/torch/lib");
            return ExitCodes.BadInput;
        }
        catch (NonFiniteResultException e)
        {
            error.WriteLine($"error: {OneLine(e)}");
            return ExitCodes.CheckFailed;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"error: permission denied: {OneLine(e)} (is the output folder read-only?)");
            return ExitCodes.CheckFailed;
        }
        catch (NtkProofs.Data.DatasetUnavailableException e)
        {
            error.WriteLine($"error: task data unavailable: {OneLine(e)}");
            return ExitCodes.CheckFailed;
        }
        catch (IOException e)
        {
            error.WriteLine($"error: input/output failure: {OneLine(e)} (is the disk full or the output path a file?)");
            return ExitCodes.CheckFailed;
        }
#pragma warning disable CA1031 // The top-level guard: no exception may reach the user as a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"error: {e.GetType().Name}: {OneLine(e)}");
            return ExitCodes.CheckFailed;
        }
    }

    /// <summary>The exception's message (and its inner one's) on one line.</summary>
    private static string OneLine(Exception e)
    {
        var message = e.Message;
        int native = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (native > 0)
        {
            message = message[..native];
        }

        message = message.Split('\n')[0];
        if (e.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message += $" ({inner.Message})";
        }

        return message.ReplaceLineEndings(" ").Trim();
    }
}
