using NtkProofs.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Attention;

/// <summary>
/// One generated attention problem: sizes, masking and a seed from which every tensor is drawn (FsCheck generates only these
/// integers, never doubles). Queries and keys are N(0, Scale^2), values N(0, 1).
/// </summary>
/// <param name="Batch">B.</param>
/// <param name="Heads">H.</param>
/// <param name="Length">L (queries = input keys).</param>
/// <param name="Dim">d_h.</param>
/// <param name="ValueDim">d_v.</param>
/// <param name="PrefixLength">m.</param>
/// <param name="Causal">Causal mask on the input block.</param>
/// <param name="Padded">Whether a random key padding mask is applied (the first key of every batch stays visible).</param>
/// <param name="Seed">Seed of all tensors.</param>
/// <param name="ScaleTenths">Scale of queries and keys, in tenths.</param>
public sealed record AttentionCase(int Batch, int Heads, int Length, int Dim, int ValueDim, int PrefixLength, bool Causal, bool Padded, int Seed, int ScaleTenths)
{
    /// <summary>Scale of queries and keys.</summary>
    public double Scale => ScaleTenths / 10.0;

    /// <summary>Queries [B, H, L, d].</summary>
    public Tensor Q() => Draw(0, [Batch, Heads, Length, Dim], Scale);

    /// <summary>Input keys [B, H, L, d].</summary>
    public Tensor K() => Draw(1, [Batch, Heads, Length, Dim], Scale);

    /// <summary>Input values [B, H, L, d_v].</summary>
    public Tensor V() => Draw(2, [Batch, Heads, Length, ValueDim], 1.0);

    /// <summary>Prefix keys [H, m, d].</summary>
    public Tensor PrefixKeys() => Draw(3, [Heads, PrefixLength, Dim], Scale);

    /// <summary>Prefix values [H, m, d_v].</summary>
    public Tensor PrefixValues() => Draw(4, [Heads, PrefixLength, ValueDim], 1.0);

    /// <summary>The padding mask, or null when <see cref="Padded"/> is false.</summary>
    public KeyMask? Mask()
    {
        if (!Padded)
        {
            return null;
        }

        using var generator = new Generator(unchecked((ulong)Seed * 31 + 7));
        var keep = rand([Batch, Length], ScalarType.Float64, generator: generator) > 0.3;
        keep[.., 0] = tensor(true);
        return KeyMask.Keep(keep);
    }

    /// <summary>A seeded standard normal tensor times <paramref name="scale"/>, stream <paramref name="stream"/> of this case.</summary>
    public Tensor Draw(int stream, long[] shape, double scale)
    {
        using var generator = new Generator(unchecked((ulong)NtkProofs.Numerics.Seeds.Derive(Seed, stream, 0)));
        using var t = randn(shape, ScalarType.Float64, generator: generator);
        return t * scale;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"AttentionCase(B={Batch}, H={Heads}, L={Length}, d={Dim}, dv={ValueDim}, m={PrefixLength}, causal={Causal}, padded={Padded}, seed={Seed}, scale={Scale})";
}
