using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>The intermediate quantities of one forward pass of <see cref="PrefixModel"/>.</summary>
public sealed class PrefixForward : IDisposable
{
    internal PrefixForward(Tensor weights, Tensor mean, Tensor output)
    {
        Weights = weights;
        Mean = mean;
        Output = output;
    }

    /// <summary>S (n x m): softmax attention weights of each input over the prefix rows.</summary>
    public Tensor Weights { get; }

    /// <summary>mu (n x c): the attention-weighted mean of the values, mu_i = sum_r S_ir value_r.</summary>
    public Tensor Mean { get; }

    /// <summary>F (n x c) = alpha * mu.</summary>
    public Tensor Output { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Weights.Dispose();
        Mean.Dispose();
        Output.Dispose();
    }
}
