namespace NtkProofs.Data;

/// <summary>Train, validation and test partitions of one data set.</summary>
/// <param name="Train">Training examples.</param>
/// <param name="Validation">Validation examples.</param>
/// <param name="Test">Test examples.</param>
public sealed record DatasetSplits(IReadOnlyList<LabeledSentence> Train, IReadOnlyList<LabeledSentence> Validation, IReadOnlyList<LabeledSentence> Test);
