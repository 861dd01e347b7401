using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// Pass-through <see cref="IAttentionAdapter"/> as a TorchSharp module: projections unchanged, attention by
/// <see cref="ScaledDotProductAttention"/>. Adapters derive from it and override only the hook they need; their
/// parameters are registered by the derived class (fields, then <c>RegisterComponents()</c>).
/// </summary>
public abstract class LayerAdapter : nn.Module, IAttentionAdapter
{
    /// <summary>Creates the module.</summary>
    /// <param name="name">TorchSharp module name.</param>
    protected LayerAdapter(string name)
        : base(name)
    {
    }

    /// <inheritdoc />
    public virtual Tensor AdaptQuery(Tensor hidden, Tensor query) => query;

    /// <inheritdoc />
    public virtual Tensor AdaptKey(Tensor hidden, Tensor key) => key;

    /// <inheritdoc />
    public virtual Tensor AdaptValue(Tensor hidden, Tensor value) => value;

    /// <inheritdoc />
    public virtual Tensor Attend(AttentionInputs inputs) => ScaledDotProductAttention.Compute(inputs, training);
}
