using NtkProofs.Model;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Lemmas;

/// <summary>
/// One lemma-check setting: value path, sizes, prefix scale and output scale. A replicate index picks the inputs, the
/// targets and the prefix draw, all derived from <see cref="MasterSeed"/>.
/// </summary>
/// <param name="ValuePath">Value path.</param>
/// <param name="Samples">n.</param>
/// <param name="InputDim">d.</param>
/// <param name="OutputDim">c (fixed and separate paths; c = d on the tied path).</param>
/// <param name="Sigma">Prefix init scale.</param>
/// <param name="Scale">Output scale.</param>
/// <param name="MaxAbsCosine">Input separation: |&lt;x_i, x_j&gt;| &lt;= this.</param>
/// <param name="MasterSeed">Master seed.</param>
/// <param name="Centred">Train the centred output F - F(theta_0) (THEORY.md A.2); kernels are unchanged.</param>
/// <param name="Placement">Device of the inputs, targets and models (null: CPU). Not part of the problem's identity in results.</param>
public sealed record LemmaProblem(
    ValuePath ValuePath,
    int Samples,
    int InputDim,
    int OutputDim,
    double Sigma,
    OutputScale Scale = OutputScale.SqrtM,
    double MaxAbsCosine = 0.9,
    long MasterSeed = Seeds.Master,
    bool Centred = false,
    [property: System.Text.Json.Serialization.JsonIgnore] DevicePlacement? Placement = null)
{
    /// <summary>How many redraws <see cref="CapacityModel"/> tries before giving up on a sign pattern that is not constant.</summary>
    public const int MaxSignRedraws = 64;

    private const int InputStream = 1, TargetStream = 2, PrefixStream = 3;

    /// <summary>c as the model sees it (d on the tied path).</summary>
    public int EffectiveOutputDim => ValuePath == ValuePath.TiedValue ? InputDim : OutputDim;

    /// <summary>The model spec at prefix length m.</summary>
    /// <param name="prefixLength">m.</param>
    public PrefixModelSpec Spec(int prefixLength) =>
        new PrefixModelSpec(ValuePath, InputDim, prefixLength, EffectiveOutputDim, Sigma, Scale, Centred).Validated();

    /// <summary>Inputs of replicate <paramref name="replicate"/> (the same for every m).</summary>
    /// <param name="replicate">Replicate index.</param>
    public Tensor Inputs(int replicate) => InputSets.UnitSphere(Samples, InputDim, Seeds.Derive(MasterSeed, InputStream, replicate), MaxAbsCosine, Placement);

    /// <summary>Targets of replicate <paramref name="replicate"/>.</summary>
    /// <param name="replicate">Replicate index.</param>
    public Tensor Targets(int replicate) => InputSets.Targets(Samples, EffectiveOutputDim, Seeds.Derive(MasterSeed, TargetStream, replicate), Placement);

    /// <summary>The model at initialization for replicate <paramref name="replicate"/> and prefix length m.</summary>
    /// <param name="prefixLength">m.</param>
    /// <param name="replicate">Replicate index.</param>
    /// <param name="init">Initialization scheme.</param>
    public PrefixModel Model(int prefixLength, int replicate, PrefixInit init = PrefixInit.Random) =>
        PrefixModel.Initialize(Spec(prefixLength), Seeds.Derive(MasterSeed, PrefixStream, (replicate * 1_000_003L) + prefixLength), init, Placement);

    /// <summary>
    /// The model for the capacity measurement (C4): as <see cref="Model"/>, but on the fixed path a draw whose signs are all
    /// equal in some output column (that column's output is then the constant +-alpha, whatever P) is redrawn from the next
    /// seed of the same stream. Returns the number of redraws, which the experiment reports.
    /// </summary>
    /// <param name="prefixLength">m (at least 2 on the fixed path: with m = 1 every draw is constant).</param>
    /// <param name="replicate">Replicate index.</param>
    public (PrefixModel Model, int Redraws) CapacityModel(int prefixLength, int replicate)
    {
        if (ValuePath != ValuePath.FixedValue)
        {
            return (Model(prefixLength, replicate), 0);
        }

        if (prefixLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "fixed values at m = 1 give a constant output (one softmax weight, zero gradient): capacity needs m >= 2");
        }

        for (int redraw = 0; redraw <= MaxSignRedraws; redraw++)
        {
            long seed = Seeds.Derive(MasterSeed, PrefixStream, (replicate * 1_000_003L) + prefixLength + (redraw * 7_919_000_003L));
            var model = PrefixModel.Initialize(Spec(prefixLength), redraw == 0 ? Seeds.Derive(MasterSeed, PrefixStream, (replicate * 1_000_003L) + prefixLength) : seed, placement: Placement);
            using var spread = model.Values!.max(0).values - model.Values!.min(0).values;
            if (spread.min().item<double>() > 0)
            {
                return (model, redraw);
            }

            model.Dispose();
        }

        throw new InvalidOperationException($"no non-constant sign draw in {MaxSignRedraws} redraws at m = {prefixLength}");
    }

    /// <summary>A short label such as "fixed n=6 d=4 c=2 sigma=0.5 sqrt".</summary>
    public string Label => FormattableString.Invariant(
        $"{ValuePath switch { ValuePath.FixedValue => "fixed", ValuePath.SeparateValue => "separate", _ => "tied" }} n={Samples} d={InputDim} c={EffectiveOutputDim} sigma={Sigma} {Scale.ToCliName()}{(Centred ? " centred" : string.Empty)}");
}
