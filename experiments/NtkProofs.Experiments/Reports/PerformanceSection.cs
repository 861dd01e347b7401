using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Reports.Claims;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// The report's Performance section: the goal table of the <c>perf</c> sweep (issue #13) and the commands that regenerate it.
/// Not a ledger claim: performance is a property of this implementation on this machine, not of the paper.
/// </summary>
public static class PerformanceSection
{
    /// <summary>The config whose sweep the section shows.</summary>
    public const string Config = "perf";

    /// <summary>Appends the section (a line saying the sweep did not run when it is missing from this profile).</summary>
    /// <param name="md">The report being built.</param>
    /// <param name="context">The report's inputs.</param>
    public static void Append(StringBuilder md, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(context);
        md.AppendLine("## Performance");
        md.AppendLine();
        md.AppendLine("Goals of issue #13, all measured in one run on this machine: each row's time against its peer (NumPy for the empirical kernel, plain PyTorch for prefix attention, both on OpenBLAS with the same thread count) and as a fraction of the same run's square GEMM rate of its precision (TorchSharp). Work counts the matrix products only: 2 n m (n + d) for the fixed kernel (plus the Gram products of the other paths), 4 H L (m + L) d for the prefix forward, 3.5 times that with the recomputing backward (the FlashAttention count: the backward recomputes the scores and forms dV, dP, dQ and dK, five products against the forward's two, so forward plus backward cannot come below about 3.5 times the forward at the same GEMM efficiency), 4 H L^2 d + 2 H L r (d + 1) for NTK-Attention. This table is not a ledger claim.");
        md.AppendLine();
        AppendCommitted(md, context.CommittedBench);
        var sweep = context.Sweep(Config);
        if (sweep is null || sweep.Records.Count == 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"The '{Config}' sweep did not run in this profile. Regenerate: `{CommittedBench.RegenerateCommand}`.");
            md.AppendLine();
            return;
        }

        if (context.CommittedBench is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### This report's own run ('{context.Profile}' profile)");
            md.AppendLine();
            md.AppendLine("Measured while the report ran, on a machine that may be busy: noisier than the committed run above.");
            md.AppendLine();
        }

        foreach (var record in sweep.Records)
        {
            var result = ResultJson.Read<PerfResult>(record.Result);
            foreach (var line in PerfTable.Markdown(result))
            {
                md.AppendLine(line);
            }

            md.AppendLine();
        }

        md.AppendLine("Regenerate:");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- `{context.SweepCommand(sweep)}` (this profile's config), then `{context.ReportCommand}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- `./ntkproofs bench perf --profile {context.Profile} --out <folder>` (the same config, printed as a table; `--python /usr/bin/python3` for the peers; the full profile repeats it with 3 rounds)");
        md.AppendLine();
    }

    // The committed quiet-machine run, when there is one: the goals as decided without the report's own noise.
    private static void AppendCommitted(StringBuilder md, CommittedBench? bench)
    {
        if (bench is null)
        {
            return;
        }

        md.AppendLine("### Committed run on a quiet machine (full profile)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Read from `{bench.Folder}/` (measured by commit {bench.Commit}, no sweep running; the context lines give the load average). This run decides the goals of issue #13. Regenerate: `{bench.Command}`.");
        md.AppendLine();
        foreach (var line in PerfTable.Markdown(bench.Result))
        {
            md.AppendLine(line);
        }

        md.AppendLine();
    }
}
