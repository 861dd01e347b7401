using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;
using NtkProofs.Model;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>The parameters shared by the lemma experiments and their mapping to a <see cref="LemmaProblem"/>.</summary>
public static class LemmaParameters
{
    /// <summary>path, scale, n, d, c, sigma, max_cos, m, replicate.</summary>
    public static IReadOnlyList<ParameterSpec> Common { get; } =
    [
        ParameterSpec.Text("path", "fixed", "value path", "fixed", "separate", "tied"),
        ParameterSpec.Text("scale", "sqrt", "output scale alpha(m): sqrt = sqrt(m), linear = m", "sqrt", "linear"),
        ParameterSpec.Int("n", 6, "samples", 1, 256),
        ParameterSpec.Int("d", 4, "input dimension", 1, 1024),
        ParameterSpec.Int("c", 2, "output dimension of the fixed and separate paths (tied uses d)", 1, 64),
        ParameterSpec.Real("sigma", 0.5, "prefix init scale", 1e-6, 100),
        ParameterSpec.Real("max_cos", 0.9, "input separation |<x_i, x_j>| <= max_cos", 1e-3, 0.999999),
        ParameterSpec.Int("m", 1024, "prefix length", 1, 1 << 24),
        ParameterSpec.Int("replicate", 0, "replicate index (inputs, targets and prefix draw)", 0, 1_000_000),
    ];

    /// <summary>The value path of a point.</summary>
    /// <param name="point">The point.</param>
    public static ValuePath Path(SweepPoint point) => PathFromName(point.Text("path"));

    /// <summary>Maps "fixed", "separate", "tied" to a <see cref="ValuePath"/>.</summary>
    /// <param name="name">The name.</param>
    public static ValuePath PathFromName(string name) => name switch
    {
        "fixed" => ValuePath.FixedValue,
        "separate" => ValuePath.SeparateValue,
        "tied" => ValuePath.TiedValue,
        _ => throw new ArgumentException($"unknown value path '{name}'"),
    };

    /// <summary>The short name of a value path.</summary>
    /// <param name="path">The path.</param>
    public static string Name(ValuePath path) => path switch
    {
        ValuePath.FixedValue => "fixed",
        ValuePath.SeparateValue => "separate",
        _ => "tied",
    };

    /// <summary>The lemma problem of a point under the sweep's master seed.</summary>
    /// <param name="point">The point.</param>
    /// <param name="masterSeed">Master seed.</param>
    /// <param name="centred">Whether the model trains the centred output.</param>
    public static LemmaProblem Problem(SweepPoint point, long masterSeed, bool centred = false)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new LemmaProblem(
            Path(point),
            checked((int)point.Int("n")),
            checked((int)point.Int("d")),
            checked((int)point.Int("c")),
            point.Real("sigma"),
            point.Text("scale") == "linear" ? OutputScale.Linear : OutputScale.SqrtM,
            point.Real("max_cos"),
            masterSeed,
            centred);
    }
}
