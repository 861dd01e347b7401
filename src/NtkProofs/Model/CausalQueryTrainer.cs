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

        // One forward pass per step: the residual and the gradient share it.
        var view = new GradientDescentLoop.Model(
            model.Spec.Scale.KernelFactor(model.Spec.PrefixLength),
            () => model.Prefix,
            () => model.Kernel(x),
            () =>
            {
                var forward = model.Forward(x);
                return (forward.Output, () => model.LossGradient(forward, x, y));
            },
            model.Step);
        return GradientDescentLoop.Run(view, y, options);
    }
}
