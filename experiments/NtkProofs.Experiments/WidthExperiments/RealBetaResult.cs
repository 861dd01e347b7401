namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>beta of one (layer, head): max |&lt;q, kappa&gt;| / sqrt(d_h) over real-token queries and prefix keys.</summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Head">Head index.</param>
/// <param name="Beta">beta.</param>
public sealed record RealBetaHead(int Layer, int Head, double Beta);

/// <summary>The result of one <see cref="RealBetaExperiment"/> point (claim C13).</summary>
/// <param name="PrefixLength">m of the P-Tuning v2 adapter.</param>
/// <param name="Steps">Training steps of the prefix before measuring (0 = at init).</param>
/// <param name="FinalTrainLoss">Mean training loss over the last steps (NaN at init).</param>
/// <param name="Sentences">Held-out sentences whose queries were measured.</param>
/// <param name="Queries">Real-token queries per head measured.</param>
/// <param name="HeadDim">d_h.</param>
/// <param name="Heads">beta of every (layer, head).</param>
public sealed record RealBetaResult(int PrefixLength, int Steps, double FinalTrainLoss, int Sentences, long Queries, int HeadDim, IReadOnlyList<RealBetaHead> Heads);
