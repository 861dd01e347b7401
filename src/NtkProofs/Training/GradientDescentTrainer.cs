using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Training;

/// <summary>
/// Full-batch gradient descent on the prefix model's trainable parameters, recording the quantities the lemmas talk about:
/// loss, ||F - Y||^2, relative kernel drift, lambda_min(H(t)) and the largest prefix-row movement.
/// </summary>
public static class GradientDescentTrainer
{
    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The model; its parameters are updated.</param>
    /// <param name="x">n x d admissible inputs.</param>
    /// <param name="y">n x c targets.</param>
    /// <param name="options">Steps, step size and kernel-tracking interval.</param>
    /// <param name="progress">Receives the number of completed steps.</param>
    public static TrainingRun Train(PrefixModel model, Tensor x, Tensor y, TrainingOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        InputValidation.RequireAdmissibleInputs(x, model.Spec.InputDim, nameof(x));
        InputValidation.RequireTargets(y, x.shape[0], model.Spec.OutputDim, nameof(y));

        using var scope = NewDisposeScope();
        double kernelFactor = model.Spec.Scale.KernelFactor(model.Spec.PrefixLength);
        var initialPrefix = model.Prefix.clone();
        var initialKernel = EmpiricalKernel.Compute(model, x);
        double initialKernelNorm = linalg.norm(initialKernel).item<double>();
        var spectrum = EigenSpectrum.Of(initialKernel);
        // A zero kernel (e.g. m = 1 with fixed values: one softmax weight, no gradient) cannot train: step size 0.
        double eta = options.Eta ?? (spectrum.LambdaMax > 0 ? options.Eta0 / (spectrum.LambdaMax * kernelFactor) : 0.0);

        var records = new List<TrainingStepRecord>(options.Steps + 1);
        for (int t = 0; t <= options.Steps; t++)
        {
            using var step = NewDisposeScope();
            double residual = (model.Output(x) - y).square().sum().item<double>();
            var rowMovement = linalg.vector_norm(model.Prefix - initialPrefix, dims: [1]);
            double movement = rowMovement.max().item<double>();
            double rmsMovement = rowMovement.square().mean().sqrt().item<double>();
            double? drift = null, lambdaMin = null;
            if (t == 0 || t == options.Steps || t % options.KernelEvery == 0)
            {
                var kernel = t == 0 ? initialKernel : EmpiricalKernel.Compute(model, x);
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
                var (gradPrefix, gradValues) = model.LossGradient(x, y);
                model.Step(gradPrefix, gradValues, eta);
            }

            progress?.Report(t);
        }

        return new TrainingRun(records, eta, eta * kernelFactor, spectrum);
    }
}
