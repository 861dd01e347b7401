using TorchSharp;

namespace NtkProofs.Experiments.Cli;

/// <summary>Refuses results that are not finite (an overflow on finite input) before anything is written.</summary>
public static class ResultChecks
{
    /// <summary>Throws <see cref="NonFiniteResultException"/> when <paramref name="value"/> holds a NaN or infinity.</summary>
    /// <param name="value">The computed tensor.</param>
    /// <param name="what">What it is, for the message.</param>
    public static void RequireFinite(torch.Tensor value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var finite = torch.isfinite(value).all();
        if (!finite.item<bool>())
        {
            throw new NonFiniteResultException($"{what} is not finite (the computation overflowed on these inputs); nothing was written or replaced");
        }
    }

    /// <summary>Throws <see cref="NonFiniteResultException"/> when <paramref name="value"/> is NaN or infinite.</summary>
    /// <param name="value">The computed number.</param>
    /// <param name="what">What it is, for the message.</param>
    public static void RequireFinite(double value, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new NonFiniteResultException($"{what} is {value}, not finite (the computation overflowed on these inputs); nothing was written or replaced");
        }
    }
}
