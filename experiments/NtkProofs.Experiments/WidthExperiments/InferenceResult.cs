namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>One encoder variant's forward timings.</summary>
/// <param name="Name">Variant name: base, ntk-elu1-full, ntk-elu1-s8, ntk-prf256-full, ntk-prf256-s8, prefix-m10, prefix-m100.</param>
/// <param name="Method">Adapter method (head, ntk, prefix).</param>
/// <param name="Trainable">Trainable parameters (adapter and head).</param>
/// <param name="Seconds">Forward seconds per repetition, in repetition order (repetition i of every variant ran in the same round).</param>
public sealed record InferenceVariant(string Name, string Method, long Trainable, IReadOnlyList<double> Seconds);

/// <summary>The result of one <see cref="InferenceOverheadExperiment"/> point (claim C16).</summary>
/// <param name="Batch">Sentences per forward.</param>
/// <param name="MaxLength">Tokens per sentence (padded to this length).</param>
/// <param name="Warmup">Untimed forwards per variant before the rounds.</param>
/// <param name="TorchThreads">libtorch intra-op threads in this process.</param>
/// <param name="LoadAverageBefore">/proc/loadavg (1, 5, 15 min) before the rounds.</param>
/// <param name="LoadAverageAfter">/proc/loadavg after the rounds.</param>
/// <param name="Variants">Every variant's timings; the first is the base.</param>
public sealed record InferenceResult(int Batch, int MaxLength, int Warmup, int TorchThreads, string LoadAverageBefore, string LoadAverageAfter, IReadOnlyList<InferenceVariant> Variants);
