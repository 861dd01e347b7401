using System.CommandLine;

namespace NtkProofs.Experiments.Reporting;

/// <summary>The command line that produced a parse result, as a shell command that reruns it (for "regenerate with" notes).</summary>
internal static class CommandLineText
{
    /// <summary><c>./ntkproofs</c> followed by every token of <paramref name="parse"/>, quoted where needed.</summary>
    public static string Of(ParseResult parse) =>
        "./ntkproofs " + string.Join(" ", parse.Tokens.Select(t => Quote(t.Value)));

    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsLetterOrDigit(c) || "-_./:=,+".Contains(c)) ? token : "'" + token.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
