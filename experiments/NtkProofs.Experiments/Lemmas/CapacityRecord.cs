namespace NtkProofs.Experiments.Lemmas;

/// <summary>The typed result of one capacity run (C4): the residual left after T gradient-descent steps.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="Targets">n c, the number of scalar targets.</param>
/// <param name="Steps">T.</param>
/// <param name="InitialResidual">||F(0) - Y||^2.</param>
/// <param name="FinalResidual">||F(T) - Y||^2.</param>
/// <param name="SignRedraws">How many fixed-value draws with a constant sign column were redrawn (0 on the other paths).</param>
public sealed record CapacityRecord(int PrefixLength, int Replicate, int Targets, int Steps, double InitialResidual, double FinalResidual, int SignRedraws)
{
    /// <summary>||F(T) - Y||^2 / ||F(0) - Y||^2.</summary>
    public double ResidualRatio => FinalResidual / InitialResidual;
}
