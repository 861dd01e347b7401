namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The typed result of one <see cref="PrefixConversionExperiment"/> point (issue 10): a trained P-Tuning v2 prefix, the
/// NTK-Attention adapter computed from it in closed form evaluated before any training (with the prefix run's head), and
/// that adapter after training, each with per-example test correctness on the same test set.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="PrefixLength">m of the prefix.</param>
/// <param name="Feature">phi of the converted adapter (elu1 or prf:R: k(P) must be &gt;= 0 for k = |kappa|).</param>
/// <param name="NtkRank">s of the converted adapter (0 = full Z; a low-rank Z starts from the best rank-s approximation of Z(P)).</param>
/// <param name="Seed">Training seed of both runs.</param>
/// <param name="Prefix">The P-Tuning v2 run.</param>
/// <param name="ConvertedTestAccuracy">Test accuracy of the converted adapter before training.</param>
/// <param name="ConvertedValidationAccuracy">Validation accuracy of the converted adapter before training.</param>
/// <param name="ConvertedTestCorrect">Its per-example test correctness ('0'/'1').</param>
/// <param name="Trained">The converted adapter's training run (its <see cref="FinetuneRun.Init"/> names the prefix).</param>
public sealed record PrefixConversionRecord(
    string Task,
    long PrefixLength,
    string Feature,
    long NtkRank,
    long Seed,
    FinetuneRun Prefix,
    double ConvertedTestAccuracy,
    double ConvertedValidationAccuracy,
    string ConvertedTestCorrect,
    FinetuneRun Trained);
