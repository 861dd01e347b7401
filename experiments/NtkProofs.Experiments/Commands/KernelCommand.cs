using System.CommandLine;
using System.Text.Json;
using NtkProofs.Experiments.Cli;
using NtkProofs.IO;
using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs kernel</c>: reads X.npy, P.npy and A.npy / V.npy, writes F.npy, H.npy, Hstar.npy and summary.json.
/// The file names and layout are a contract with other tools; keep them. <c>--device</c> places the inputs (and so the whole
/// computation) on cpu, cuda or cuda:N; the .npy files are always written from CPU copies.
/// </summary>
public sealed class KernelCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var input = new Option<DirectoryInfo>("--in") { Description = "Folder with X.npy (n x d unit-norm inputs), P.npy (m x d prefix), and A.npy (m x c signs, fixed) or V.npy (m x c values, separate).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for F.npy, H.npy, Hstar.npy and summary.json (created if missing).", Required = true };
        var variant = new Option<string>("--variant") { Description = "Value path.", DefaultValueFactory = _ => "fixed" };
        variant.AcceptOnlyFromAmong("fixed", "separate", "tied");
        var scale = new Option<string>("--scale") { Description = "Output scale alpha(m): sqrt = sqrt(m), linear = m (H is then reported as H/m).", DefaultValueFactory = _ => "sqrt" };
        scale.AcceptOnlyFromAmong("sqrt", "linear");
        var sigma = new Option<double>("--sigma") { Description = "Prefix init scale at which the closed-form H* is evaluated.", DefaultValueFactory = _ => 1.0 };
        var device = ExperimentFront.DeviceOption();

        var command = new Command("kernel", "Empirical NTK H at a given prefix and the closed-form infinite-prefix kernel H*, from and to .npy files.")
        {
            input, output, variant, scale, sigma, device,
        };
        command.SetAction(parse => Run(
            parse.GetValue(input)!,
            parse.GetValue(output)!,
            ParseVariant(parse.GetValue(variant)!),
            parse.GetValue(scale) == "linear" ? OutputScale.Linear : OutputScale.SqrtM,
            parse.GetValue(sigma),
            parse.GetValue(device)!,
            parse.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Maps the CLI spelling to a <see cref="ValuePath"/>.</summary>
    /// <param name="name">fixed, separate or tied.</param>
    public static ValuePath ParseVariant(string name) => name switch
    {
        "fixed" => ValuePath.FixedValue,
        "separate" => ValuePath.SeparateValue,
        "tied" => ValuePath.TiedValue,
        _ => throw new CliInputException($"unknown variant '{name}' (expected fixed, separate or tied)"),
    };

    private static int Run(DirectoryInfo inDir, DirectoryInfo outDir, ValuePath path, OutputScale scale, double sigma, string device, TextWriter stdout)
    {
        var placement = SweepCommand.RequireDevice(device);
        if (!inDir.Exists)
        {
            throw new CliInputException($"input folder does not exist: {inDir.FullName}");
        }

        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new CliInputException($"--sigma must be a finite number > 0, got {sigma}");
        }

        using var scope = NewDisposeScope();
        var x = LoadMatrix(inDir, "X.npy", placement);
        var p = LoadMatrix(inDir, "P.npy", placement);
        long n = x.shape[0], d = x.shape[1], m = p.shape[0];
        if (p.shape[1] != d)
        {
            throw new CliInputException($"P.npy has {p.shape[1]} columns but X.npy has d = {d} (dimension mismatch)");
        }

        Tensor? values = path switch
        {
            ValuePath.FixedValue => LoadMatrix(inDir, "A.npy", placement),
            ValuePath.SeparateValue => LoadMatrix(inDir, "V.npy", placement),
            _ => null,
        };
        int c = values is null ? (int)d : (int)values.shape[1];
        InputValidation.RequireAdmissibleInputs(x, d, "X.npy");
        var spec = new PrefixModelSpec(path, (int)d, checked((int)m), c, sigma, scale);
        using var model = new PrefixModel(spec, p, values);

        var f = model.Output(x);
        var h = EmpiricalKernel.Compute(model, x);
        var hStar = InfinitePrefixKernel.Compute(path, x, sigma, c);
        ResultChecks.RequireFinite(h, "H (empirical NTK)");
        ResultChecks.RequireFinite(hStar, "H* (infinite-prefix NTK)");
        EigenSpectrum hSpectrum, starSpectrum;
        try
        {
            hSpectrum = EigenSpectrum.Of(h);
            starSpectrum = EigenSpectrum.Of(hStar);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            throw new NonFiniteResultException($"the eigen-solver did not converge on H or H* (entries up to {h.abs().max().item<double>():E3}): {e.Message.Split('\n')[0]}; nothing was written or replaced", e);
        }
        double gap = linalg.norm(h - hStar).item<double>() / linalg.norm(hStar).item<double>();

        // Everything is computed and checked before anything is written; the set is staged, then moved into place.
        ResultChecks.RequireFinite(f, "F (network output)");
        ResultChecks.RequireFinite(gap, "relative Frobenius gap ||H - H*||_F / ||H*||_F");
        using var set = OutputSet.Begin(outDir.FullName);
        NpyFile.Write(set.PathOf("F.npy"), NpyArray.FromTensor(f));
        NpyFile.Write(set.PathOf("H.npy"), NpyArray.FromTensor(h));
        NpyFile.Write(set.PathOf("Hstar.npy"), NpyArray.FromTensor(hStar));
        var summary = new
        {
            variant = path switch { ValuePath.FixedValue => "fixed", ValuePath.SeparateValue => "separate", _ => "tied" },
            scale = scale.ToCliName(),
            sigma,
            n,
            d,
            m,
            c,
            kernel_rows_order = "sample-major, then output coordinate",
            H = new { lambda_min = hSpectrum.LambdaMin, lambda_max = hSpectrum.LambdaMax },
            Hstar = new { lambda_min = starSpectrum.LambdaMin, lambda_max = starSpectrum.LambdaMax },
            relative_frobenius_gap = gap,
        };
        string json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllText(set.PathOf("summary.json"), json);
        set.Commit();
        stdout.WriteLine(FormattableString.Invariant($"H: lambda_min {hSpectrum.LambdaMin:E4}, lambda_max {hSpectrum.LambdaMax:E4}; H*: lambda_min {starSpectrum.LambdaMin:E4}, lambda_max {starSpectrum.LambdaMax:E4}; ||H - H*||_F / ||H*||_F = {gap:E4}"));
        stdout.WriteLine($"wrote F.npy, H.npy, Hstar.npy, summary.json to {outDir.FullName}");
        return ExitCodes.Success;
    }

    internal static Tensor LoadMatrix(DirectoryInfo dir, string file, DevicePlacement placement)
    {
        string path = Path.Combine(dir.FullName, file);
        if (!File.Exists(path))
        {
            throw new CliInputException($"missing input file: {path}");
        }

        var array = NpyFile.Read(path);
        array.RequireMatrix(file);
        var t = array.ToTensor(placement.Device);
        using var finite = isfinite(t).all();
        if (!finite.item<bool>())
        {
            throw new CliInputException($"{file} contains NaN or infinite values");
        }

        return t;
    }
}
