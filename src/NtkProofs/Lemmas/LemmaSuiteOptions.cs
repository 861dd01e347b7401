using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Training;

namespace NtkProofs.Lemmas;

/// <summary>Sizes of a run of the whole lemma suite.</summary>
/// <param name="Samples">n.</param>
/// <param name="InputDim">d.</param>
/// <param name="OutputDim">c for the fixed and separate paths.</param>
/// <param name="Sigma">Prefix init scale of the concentration fit.</param>
/// <param name="ConcentrationExponents">m = 2^a .. 2^b for L1.</param>
/// <param name="ConcentrationReplicates">Replicates per m for L1.</param>
/// <param name="TrainingExponents">m = 2^a .. 2^b for L2 and L3.</param>
/// <param name="TrainingReplicates">Replicates per m for L2 and L3.</param>
/// <param name="Training">Gradient-descent settings.</param>
/// <param name="Scale">Output scale.</param>
/// <param name="MasterSeed">Master seed.</param>
public sealed record LemmaSuiteOptions(
    int Samples,
    int InputDim,
    int OutputDim,
    double Sigma,
    (int From, int To) ConcentrationExponents,
    int ConcentrationReplicates,
    (int From, int To) TrainingExponents,
    int TrainingReplicates,
    TrainingOptions Training,
    OutputScale Scale = OutputScale.SqrtM,
    long MasterSeed = Seeds.Master)
{
    /// <summary>The CLI's default size: a minute or two on two cores.</summary>
    public static LemmaSuiteOptions Default { get; } = new(6, 4, 2, 0.5, (6, 14), 4, (6, 12), 3, new TrainingOptions(200, 0.5, 20));

    /// <summary>The setting of one value path.</summary>
    /// <param name="path">Value path.</param>
    public LemmaProblem Problem(ValuePath path) => new(path, Samples, InputDim, OutputDim, Sigma, Scale, MasterSeed: MasterSeed);
}
