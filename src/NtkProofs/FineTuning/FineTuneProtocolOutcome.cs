namespace NtkProofs.FineTuning;

/// <summary>What <see cref="FineTuneProtocol.Run"/> did.</summary>
/// <param name="Search">The learning-rate search's runs (validation only).</param>
/// <param name="Chosen">The chosen trial.</param>
/// <param name="Finals">The runs at the chosen rate, one per seed (test evaluated once each).</param>
public sealed record FineTuneProtocolOutcome(IReadOnlyList<LearningRateTrial> Search, LearningRateTrial Chosen, IReadOnlyList<FineTuneResult> Finals);
