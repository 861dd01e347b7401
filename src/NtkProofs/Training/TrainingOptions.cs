namespace NtkProofs.Training;

/// <summary>Settings of <see cref="GradientDescentTrainer"/>.</summary>
/// <param name="Steps">Number of gradient-descent steps T.</param>
/// <param name="Eta0">Step size relative to the kernel: eta = Eta0 / lambda_max(H_raw(0)) unless <paramref name="Eta"/> is given.</param>
/// <param name="KernelEvery">Recompute the empirical kernel every this many steps (and at the first and last step).</param>
/// <param name="Eta">An explicit raw step size; overrides <paramref name="Eta0"/>.</param>
public sealed record TrainingOptions(int Steps, double Eta0 = 0.5, int KernelEvery = 10, double? Eta = null)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the invalid field.</summary>
    public TrainingOptions Validated()
    {
        if (Steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be >= 0");
        }

        if (!(Eta0 > 0) || !double.IsFinite(Eta0))
        {
            throw new ArgumentOutOfRangeException(nameof(Eta0), Eta0, "eta0 must be a finite number > 0");
        }

        if (KernelEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KernelEvery), KernelEvery, "kernel tracking interval must be >= 1");
        }

        if (Eta is double eta && (!(eta > 0) || !double.IsFinite(eta)))
        {
            throw new ArgumentOutOfRangeException(nameof(Eta), eta, "eta must be a finite number > 0");
        }

        return this;
    }
}
