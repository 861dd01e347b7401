using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Training;

/// <summary>
/// The gradient-descent loop with kernel tracking shared by the Part A trainer (<see cref="GradientDescentTrainer"/>) and the
/// L &gt; 1 query trainer (<c>CausalQueryTrainer</c>): step size eta0 / lambda_max(H(0)), one record per step, kernel drift and
/// lambda_min every <see cref="TrainingOptions.KernelEvery"/> steps, divergence refused.
/// </summary>
internal static class GradientDescentLoop
{
    /// <summary>One model's view for the loop.</summary>
    /// <param name="KernelFactor">The output scale's kernel factor at this m.</param>
    /// <param name="Prefix">The current prefix (m x d).</param>
    /// <param name="Kernel">The empirical kernel at the current parameters.</param>
    /// <param name="Forward">The output at the current parameters and a way to get the loss gradient there.</param>
    /// <param name="Step">One update with the given gradients and step size.</param>
    internal sealed record Model(
        double KernelFactor,
        Func<Tensor> Prefix,
        Func<Tensor> Kernel,
        Func<(Tensor Output, Func<(Tensor Prefix, Tensor? Values)> Gradient)> Forward,
        Action<Tensor, Tensor?, double> Step);

    /// <summary>Runs the loop (inputs already validated) and returns every step's record.</summary>
    /// <param name="model">The model's view.</param>
    /// <param name="y">Targets.</param>
    /// <param name="options">Steps, step size and kernel-tracking interval.</param>
    /// <param name="progress">Receives the number of completed steps.</param>
    public static TrainingRun Run(Model model, Tensor y, TrainingOptions options, IProgress<int>? progress = null)
    {
        using var scope = NewDisposeScope();
        var initialPrefix = model.Prefix().clone();
        var initialKernel = model.Kernel();
        double initialKernelNorm = linalg.norm(initialKernel).item<double>();
        var spectrum = EigenSpectrum.Of(initialKernel);
        // A zero kernel (e.g. m = 1 with fixed values: one softmax weight, no gradient) cannot train: step size 0.
        double eta = options.Eta ?? (spectrum.LambdaMax > 0 ? options.Eta0 / (spectrum.LambdaMax * model.KernelFactor) : 0.0);

        var records = new List<TrainingStepRecord>(options.Steps + 1);
        for (int t = 0; t <= options.Steps; t++)
        {
            using var step = NewDisposeScope();
            var (output, gradient) = model.Forward();
            double residual = (output - y).square().sum().item<double>();
            var rowMovement = linalg.vector_norm(model.Prefix() - initialPrefix, dims: [1]);
            double movement = rowMovement.max().item<double>();
            double rmsMovement = rowMovement.square().mean().sqrt().item<double>();
            double? drift = null, lambdaMin = null;
            if (t == 0 || t == options.Steps || t % options.KernelEvery == 0)
            {
                var kernel = t == 0 ? initialKernel : model.Kernel();
                drift = linalg.norm(kernel - initialKernel).item<double>() / initialKernelNorm;
                lambdaMin = t == 0 ? spectrum.LambdaMin : EigenSpectrum.Of(kernel).LambdaMin;
            }

            records.Add(new TrainingStepRecord(t, 0.5 * residual, residual, movement, rmsMovement, drift, lambdaMin));
            if (!double.IsFinite(residual))
            {
                throw new InvalidOperationException($"gradient descent diverged at step {t} (eta = {eta:E3}); lower eta0");
            }

            if (t < options.Steps)
            {
                var (gradPrefix, gradValues) = gradient();
                model.Step(gradPrefix, gradValues, eta);
            }

            progress?.Report(t);
        }

        return new TrainingRun(records, eta, eta * model.KernelFactor, spectrum);
    }
}
