namespace NtkProofs.Data;

/// <summary>One labelled example: a text and a class index (0 or 1 for the binary tasks).</summary>
/// <param name="Text">The sentence.</param>
/// <param name="Label">The class index.</param>
public sealed record LabeledSentence(string Text, int Label);
