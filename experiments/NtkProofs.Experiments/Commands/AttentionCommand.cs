using System.CommandLine;
using NtkProofs.Attention;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.FeatureMaps;
using NtkProofs.IO;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs attention</c>: exact prefix attention and NTK-Attention with closed-form Z, k for one head in float64, from
/// X.npy (L x D), WQ.npy, WK.npy (D x d_h), WV.npy (D x d_v), P.npy (m x D); writes prefix.npy, ntk.npy (L x d_v), Z.npy
/// (r x d_v), k.npy (r) and bound.json. The file names are a contract with other tools; keep them. <c>--device</c> places
/// the inputs (and so the whole computation) on cpu, cuda or cuda:N; the .npy files are always written from CPU copies.
/// </summary>
public sealed class AttentionCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var input = new Option<DirectoryInfo>("--in") { Description = "Folder with X.npy (L x D), WQ.npy and WK.npy (D x d_h), WV.npy (D x d_v) and P.npy (m x D prefix tokens), all float64.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for prefix.npy, ntk.npy, Z.npy, k.npy and bound.json (created if missing).", Required = true };
        var feature = new Option<string>("--feature") { Description = $"Feature map phi: {FeatureMapParser.Syntax}.", Required = true };
        var causal = new Option<bool>("--causal") { Description = "Causal mask on the L x L input block (prefix keys stay visible)." };
        var seed = new Option<long>("--seed") { Description = "Seed of random feature maps.", DefaultValueFactory = _ => NtkProofs.Numerics.Seeds.Master };
        var device = ExperimentFront.DeviceOption();
        var command = new Command("attention", "Exact prefix attention versus NTK-Attention with closed-form Z(P), k(P), one head, float64, with Theorem B's bound.")
        {
            input, output, feature, causal, seed, device,
        };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(feature)!, parse.GetValue(causal), parse.GetValue(seed), parse.GetValue(device)!, CommandLineText.Of(parse), parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(DirectoryInfo inDir, DirectoryInfo outDir, string featureSpec, bool causal, long seed, string device, string commandLine, TextWriter stdout)
    {
        var placement = SweepCommand.RequireDevice(device);
        if (!inDir.Exists)
        {
            throw new CliInputException($"input folder does not exist: {inDir.FullName}");
        }

        using var scope = NewDisposeScope();
        var x = KernelCommand.LoadMatrix(inDir, "X.npy", placement);
        var wq = KernelCommand.LoadMatrix(inDir, "WQ.npy", placement);
        var wk = KernelCommand.LoadMatrix(inDir, "WK.npy", placement);
        var wv = KernelCommand.LoadMatrix(inDir, "WV.npy", placement);
        var p = KernelCommand.LoadMatrix(inDir, "P.npy", placement);
        long length = x.shape[0], dim = x.shape[1], dh = wq.shape[1], dv = wv.shape[1], m = p.shape[0];
        foreach (var (w, name) in new[] { (wq, "WQ.npy"), (wk, "WK.npy"), (wv, "WV.npy") })
        {
            if (w.shape[0] != dim)
            {
                throw new CliInputException($"{name} has {w.shape[0]} rows but X.npy has D = {dim} columns (dimension mismatch)");
            }
        }

        if (wk.shape[1] != dh)
        {
            throw new CliInputException($"WK.npy has {wk.shape[1]} columns but WQ.npy has d_h = {dh} (dimension mismatch)");
        }

        if (length == 0)
        {
            throw new CliInputException("X.npy has L = 0 rows: the sequence must hold at least one token");
        }

        if (m == 0)
        {
            throw new CliInputException("P.npy has m = 0 rows: the prefix must hold at least one token (as for kernel)");
        }

        if (p.shape[1] != dim)
        {
            throw new CliInputException($"P.npy has {p.shape[1]} columns but X.npy has D = {dim} (dimension mismatch)");
        }

        IFeatureMap phi;
        try
        {
            phi = FeatureMapParser.Parse(featureSpec, (int)dh, seed);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw new CliInputException($"--feature: {e.Message}", e);
        }

        var q = HeadProjection.Project(x, wq).unsqueeze(0);
        var k = HeadProjection.Project(x, wk).unsqueeze(0);
        var v = HeadProjection.Project(x, wv).unsqueeze(0);
        var prefixKeys = HeadProjection.Project(p, wk);
        var prefixValues = HeadProjection.Project(p, wv);
        var exact = PrefixAttention.Forward(q, k, v, prefixKeys, prefixValues, causal);
        var (z, kSum) = PrefixAccumulator.Compute(phi, prefixKeys, prefixValues);
        var ntk = NtkAttention.Forward(q, k, v, phi, z, kSum, causal);

        double measured = (ntk - exact).abs().max().item<double>();
        double relative = (ntk - exact).norm().item<double>() / Math.Max(exact.norm().item<double>(), 1e-300);
        double beta = TheoremB.Beta(q, prefixKeys);
        double valueMax = TheoremB.ValueMax(v, prefixValues);
        TheoremBBound? bound = phi is TaylorFeatureMap taylor ? TheoremB.Evaluate(beta, taylor.Degree, valueMax) : null;

        ResultChecks.RequireFinite(exact, "exact prefix attention");
        ResultChecks.RequireFinite(ntk, "NTK attention");
        ResultChecks.RequireFinite(z, "Z (prefix accumulator)");
        ResultChecks.RequireFinite(kSum, "k (prefix normalizer)");
        ResultChecks.RequireFinite(measured, "measured error ||NTK - prefix||_inf");
        ResultChecks.RequireFinite(relative, "relative Frobenius error");
        ResultChecks.RequireFinite(beta, "beta");
        using var set = OutputSet.Begin(outDir.FullName);
        NpyFile.Write(set.PathOf("prefix.npy"), NpyArray.FromTensor(exact.reshape(length, dv)));
        NpyFile.Write(set.PathOf("ntk.npy"), NpyArray.FromTensor(ntk.reshape(length, dv)));
        NpyFile.Write(set.PathOf("Z.npy"), NpyArray.FromTensor(z.reshape(phi.R, dv)));
        NpyFile.Write(set.PathOf("k.npy"), NpyArray.FromTensor(kSum.reshape(phi.R)));
        JsonReport.Write(set.PathOf("bound.json"), new
        {
            feature = phi.Name,
            r = phi.R,
            L = length,
            D = dim,
            d_h = dh,
            d_v = dv,
            m,
            causal,
            beta,
            degree = bound?.Degree,
            eps_g = bound?.EpsG,
            value_max = valueMax,
            bound = bound is { Claimed: true } b ? b.Bound : (double?)null,
            bound_claimed = bound?.Claimed ?? false,
            bound_note = bound is null ? "Theorem B covers phi = taylor:G only" : bound.Value.Claimed ? "2 eps_g / (1 - eps_g) max|v|" : "not claimed: g odd or eps_g >= 1",
            measured_error_inf = measured,
            relative_frobenius_error = relative,
            tightness = bound is { Claimed: true } c ? c.Tightness(measured) : (double?)null,
            command = commandLine,
        });
        set.Commit();
        stdout.WriteLine(FormattableString.Invariant($"{phi.Name} (r = {phi.R}), m = {m}, L = {length}: ||NTK - prefix||_inf = {measured:E4}, relative {relative:E4}, beta = {beta:F4}") +
            (bound is { } bb ? FormattableString.Invariant($", eps_g = {bb.EpsG:E4}, bound {(bb.Claimed ? bb.Bound.ToString("E4", System.Globalization.CultureInfo.InvariantCulture) : "not claimed")}") : string.Empty));
        stdout.WriteLine($"wrote prefix.npy, ntk.npy, Z.npy, k.npy, bound.json to {outDir.FullName}");
        return ExitCodes.Success;
    }
}
