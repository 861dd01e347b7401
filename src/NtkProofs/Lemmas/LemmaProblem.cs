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
public sealed record LemmaProblem(
    ValuePath ValuePath,
    int Samples,
    int InputDim,
    int OutputDim,
    double Sigma,
    OutputScale Scale = OutputScale.SqrtM,
    double MaxAbsCosine = 0.9,
    long MasterSeed = Seeds.Master)
{
    private const int InputStream = 1, TargetStream = 2, PrefixStream = 3;

    /// <summary>c as the model sees it (d on the tied path).</summary>
    public int EffectiveOutputDim => ValuePath == ValuePath.TiedValue ? InputDim : OutputDim;

    /// <summary>The model spec at prefix length m.</summary>
    /// <param name="prefixLength">m.</param>
    public PrefixModelSpec Spec(int prefixLength) =>
        new PrefixModelSpec(ValuePath, InputDim, prefixLength, EffectiveOutputDim, Sigma, Scale).Validated();

    /// <summary>Inputs of replicate <paramref name="replicate"/> (the same for every m).</summary>
    /// <param name="replicate">Replicate index.</param>
    public Tensor Inputs(int replicate) => InputSets.UnitSphere(Samples, InputDim, Seeds.Derive(MasterSeed, InputStream, replicate), MaxAbsCosine);

    /// <summary>Targets of replicate <paramref name="replicate"/>.</summary>
    /// <param name="replicate">Replicate index.</param>
    public Tensor Targets(int replicate) => InputSets.Targets(Samples, EffectiveOutputDim, Seeds.Derive(MasterSeed, TargetStream, replicate));

    /// <summary>The model at initialization for replicate <paramref name="replicate"/> and prefix length m.</summary>
    /// <param name="prefixLength">m.</param>
    /// <param name="replicate">Replicate index.</param>
    /// <param name="init">Initialization scheme.</param>
    public PrefixModel Model(int prefixLength, int replicate, PrefixInit init = PrefixInit.Random) =>
        PrefixModel.Initialize(Spec(prefixLength), Seeds.Derive(MasterSeed, PrefixStream, (replicate * 1_000_003L) + prefixLength), init);

    /// <summary>A short label such as "fixed n=6 d=4 c=2 sigma=0.5 sqrt".</summary>
    public string Label => FormattableString.Invariant(
        $"{ValuePath switch { ValuePath.FixedValue => "fixed", ValuePath.SeparateValue => "separate", _ => "tied" }} n={Samples} d={InputDim} c={EffectiveOutputDim} sigma={Sigma} {Scale.ToCliName()}");
}
