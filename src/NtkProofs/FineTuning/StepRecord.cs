namespace NtkProofs.FineTuning;

/// <summary>One optimizer step.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">Training cross-entropy of the batch.</param>
/// <param name="Seconds">Wall time of forward, backward and optimizer update.</param>
/// <param name="RssBytes">Resident set size sampled after the backward pass (activations still alive).</param>
/// <param name="LiveTensors">Live TorchSharp tensors after the step's dispose scope closed.</param>
public sealed record StepRecord(int Step, double Loss, double Seconds, long RssBytes, long LiveTensors);
