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

        var view = new GradientDescentLoop.Model(
            model.Spec.Scale.KernelFactor(model.Spec.PrefixLength),
            () => model.Prefix,
            () => EmpiricalKernel.Compute(model, x),
            () => (model.Output(x), () => model.LossGradient(x, y)),
            model.Step);
        return GradientDescentLoop.Run(view, y, options, progress);
    }
}
