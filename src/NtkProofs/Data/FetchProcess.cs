using System.Diagnostics;

namespace NtkProofs.Data;

/// <summary>Runs the external programs that fetch task data (apt-get, dpkg, npm, tar) with a time limit.</summary>
internal static class FetchProcess
{
    /// <summary>Runs <paramref name="program"/> and returns its exit code and combined output (-1 when it ran past 5 minutes).</summary>
    /// <param name="program">Program on the PATH.</param>
    /// <param name="workingDirectory">Working directory.</param>
    /// <param name="arguments">Arguments, passed unquoted.</param>
    public static (int ExitCode, string Output) Run(string program, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new System.ComponentModel.Win32Exception($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} {string.Join(' ', arguments)} did not finish within 5 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
