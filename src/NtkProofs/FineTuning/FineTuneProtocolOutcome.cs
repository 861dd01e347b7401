namespace NtkProofs.FineTuning;

/// <summary>What <see cref="FineTuneProtocol.Run{T}"/> did.</summary>
/// <typeparam name="T">What one run returned.</typeparam>
/// <param name="Search">The learning-rate search's runs (validation only).</param>
/// <param name="Chosen">The chosen trial.</param>
/// <param name="Finals">The runs at the chosen rate, one per seed (test evaluated once each).</param>
public sealed record FineTuneProtocolOutcome<T>(IReadOnlyList<LearningRateTrial> Search, LearningRateTrial Chosen, IReadOnlyList<T> Finals);
