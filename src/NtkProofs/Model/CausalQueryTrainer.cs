using NtkProofs.Numerics;
using NtkProofs.Training;
using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>
/// Full-batch gradient descent on a <see cref="CausalPrefixModel"/>, recording what <see cref="Training.GradientDescentTrainer"/>
/// records for Part A (same <see cref="TrainingRun"/>, same step size rule eta = eta0 / lambda_max(H_raw(0))), so that L2 and
/// L3 are read off the same way.
/// </summary>
public static class CausalQueryTrainer
{
    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The model; its prefix (and separate values) are updated.</param>
    /// <param name="x">(n L) x d unit-norm queries.</param>
    /// <param name="y">(n L) x c targets.</param>
    /// <param name="options">Steps, step size and kernel-tracking interval.</param>
    public static TrainingRun Train(CausalPrefixModel model, Tensor x, Tensor y, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        InputValidation.RequireAdmissibleInputs(x, model.Spec.InputDim, nameof(x));
        InputValidation.RequireTargets(y, x.shape[0], model.Spec.OutputDim, nameof(y));

        using var scope = NewDisposeScope();
        double kernelFactor = model.Spec.Scale.KernelFactor(model.Spec.PrefixLength);
        var initialPrefix = model.Prefix.clone();
        var initialKernel = model.Kernel(x);
        double initialKernelNorm = linalg.norm(initialKernel).item<double>();
        var spectrum = EigenSpectrum.Of(initialKernel);
        double eta = options.Eta ?? (spectrum.LambdaMax > 0 ? options.Eta0 / (spectrum.LambdaMax * kernelFactor) : 0.0);

        var records = new List<TrainingStepRecord>(options.Steps + 1);
        for (int t = 0; t <= options.Steps; t++)
        {
            using var step = NewDisposeScope();
            var forward = model.Forward(x);
            double residual = (forward.Output - y).square().sum().item<double>();
            var rowMovement = linalg.vector_norm(model.Prefix - initialPrefix, dims: [1]);
            double? drift = null, lambdaMin = null;
            if (t == 0 || t == options.Steps || t % options.KernelEvery == 0)
            {
                var kernel = t == 0 ? initialKernel : model.Kernel(x);
                drift = linalg.norm(kernel - initialKernel).item<double>() / initialKernelNorm;
                lambdaMin = t == 0 ? spectrum.LambdaMin : EigenSpectrum.Of(kernel).LambdaMin;
            }

            records.Add(new TrainingStepRecord(t, 0.5 * residual, residual, rowMovement.max().item<double>(), rowMovement.square().mean().sqrt().item<double>(), drift, lambdaMin));
            if (!double.IsFinite(residual))
            {
                throw new InvalidOperationException($"gradient descent diverged at step {t} (eta = {eta:E3}); lower eta0");
            }

            if (t < options.Steps)
            {
                var (gradPrefix, gradValues) = model.LossGradient(forward, x, y);
                model.Step(gradPrefix, gradValues, eta);
            }
        }

        return new TrainingRun(records, eta, eta * kernelFactor, spectrum);
    }
}
