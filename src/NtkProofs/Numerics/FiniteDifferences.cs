using static TorchSharp.torch;

namespace NtkProofs.Numerics;

/// <summary>Central finite differences, the independent oracle for autograd gradients (compare with <see cref="Tolerance.FiniteDifference64"/>).</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// (f(x + h e_i) - f(x - h e_i)) / 2h for every entry i of <paramref name="parameter"/>, which is perturbed in place and
    /// restored. <paramref name="loss"/> must read the parameter's current values.
    /// </summary>
    /// <param name="parameter">A contiguous float tensor without gradient tracking.</param>
    /// <param name="loss">The scalar function.</param>
    /// <param name="step">h; about the cube root of machine epsilon suits float64.</param>
    /// <returns>A tensor of the parameter's shape, float64.</returns>
    public static Tensor Gradient(Tensor parameter, Func<double> loss, double step = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(loss);
        if (!parameter.is_contiguous())
        {
            throw new ArgumentException("the parameter must be contiguous: it is perturbed through a flat view", nameof(parameter));
        }

        var flat = parameter.view(-1);
        var result = new double[flat.shape[0]];
        for (long i = 0; i < flat.shape[0]; i++)
        {
            using var entry = flat[i];
            double original = entry.to(ScalarType.Float64).item<double>();
            flat[i] = original + step;
            double plus = loss();
            flat[i] = original - step;
            double minus = loss();
            flat[i] = original;
            result[i] = (plus - minus) / (2 * step);
        }

        return tensor(result, parameter.shape, ScalarType.Float64, device: parameter.device);
    }
}
