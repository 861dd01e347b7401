using System.Diagnostics;
using System.Globalization;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Runs one of the Python baseline scripts (experiments/baselines/) with the BLAS thread pools of NumPy and PyTorch fixed to
/// the C# side's thread count (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS, set before the BLAS loads), and returns
/// its exit code, stdout (the JSON object) and stderr. The OpenMP wait settings this process runs under
/// (<see cref="OpenMpSettings.Variables"/>, set by <c>./ntkproofs</c> for libtorch) are removed from the peer's environment,
/// so that NumPy and PyTorch run with their libraries' defaults, as their users run them.
/// </summary>
public static class BaselineProcess
{
    /// <summary>Runs <paramref name="python"/> with the script and its arguments and waits for it.</summary>
    /// <param name="python">The interpreter.</param>
    /// <param name="arguments">The script's path, then its arguments.</param>
    /// <param name="threads">Threads of the BLAS pools.</param>
    public static (int ExitCode, string Stdout, string Stderr) Run(string python, IEnumerable<string> arguments, int threads)
    {
        ArgumentNullException.ThrowIfNull(python);
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string variable in new[] { "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS" })
        {
            start.Environment[variable] = threads.ToString(CultureInfo.InvariantCulture);
        }

        foreach (string variable in OpenMpSettings.Variables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderrTask.Result);
    }
}
