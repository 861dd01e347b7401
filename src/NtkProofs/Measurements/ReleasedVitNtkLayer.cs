using NtkProofs.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>
/// A port of the released ViT scripts' NTK-Attention layer as a module (used only to demonstrate defects, claims ledger C12):
/// parameters phi_k (k = |phi_k|) and phi_kv (Z), both initialized at 0 as released, and the released forward
/// (<see cref="ReleasedReferenceAttention.Forward"/>) with a dropout on phi(Q) that is constructed inside the forward pass.
/// Calling <c>eval()</c> on this module does not switch that dropout off.
/// </summary>
public sealed class ReleasedVitNtkLayer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Parameter phi_k;
    private readonly Parameter phi_kv;
    private readonly double dropout;

    /// <summary>Creates the layer for <paramref name="heads"/> heads of dimension <paramref name="headDim"/>.</summary>
    /// <param name="heads">h.</param>
    /// <param name="headDim">d (= d_v).</param>
    /// <param name="dropout">The dropout probability on phi(Q) (the scripts' attention dropout).</param>
    /// <param name="device">Where the parameters live (default: TorchSharp's default device).</param>
    public ReleasedVitNtkLayer(int heads, int headDim, double dropout, Device? device = null)
        : base(nameof(ReleasedVitNtkLayer))
    {
        phi_k = new Parameter(zeros(1, heads, headDim, 1, device: device), requires_grad: true);
        phi_kv = new Parameter(zeros(1, heads, headDim, headDim, device: device), requires_grad: true);
        this.dropout = dropout;
        RegisterComponents();
    }

    /// <summary>k as the released code stores it (used as |k|).</summary>
    public Tensor K => phi_k;

    /// <summary>Z as the released code stores it.</summary>
    public Tensor Z => phi_kv;

    /// <inheritdoc />
    public override Tensor forward(Tensor query, Tensor key, Tensor value) =>
        ReleasedReferenceAttention.Forward(query, key, value, phi_k, phi_kv, causalMask: false, phiDropout: dropout);
}
