using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The low-rank update of one projection, (alpha / r) B A dropout(x) (keys <c>lora_A.weight</c> [r, in],
/// <c>lora_B.weight</c> [out, r]). A is Kaiming-uniform with a = sqrt(5) (PyTorch's Linear init, as PEFT), B = 0.
/// </summary>
public sealed class LoraDelta : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "lora_A")]
    private readonly Linear loraA;

    [ComponentName(Name = "lora_B")]
    private readonly Linear loraB;

    private readonly Dropout dropout;
    private readonly double scaling;

    /// <summary>Creates the update for a projection of shape in -> out.</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="config">Rank, alpha, dropout.</param>
    public LoraDelta(int inFeatures, int outFeatures, LoraAdapterConfig config)
        : base(nameof(LoraDelta))
    {
        ArgumentNullException.ThrowIfNull(config);
        loraA = nn.Linear(inFeatures, config.Rank, hasBias: false, device: CPU);
        loraB = nn.Linear(config.Rank, outFeatures, hasBias: false, device: CPU);
        using (no_grad())
        {
            nn.init.kaiming_uniform_(loraA.weight, a: Math.Sqrt(5));
            nn.init.zeros_(loraB.weight);
        }

        dropout = nn.Dropout(config.Dropout);
        scaling = config.Scaling;
        RegisterComponents();
    }

    /// <summary>B (out x r); live parameter.</summary>
    public Parameter B => loraB.weight!;

    /// <summary>A (r x in); live parameter.</summary>
    public Parameter A => loraA.weight!;

    /// <summary>The update for input <paramref name="x"/>, [..., out].</summary>
    /// <param name="x">[..., in].</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return loraB.forward(loraA.forward(dropout.forward(x))).mul(scaling).MoveToOuterDisposeScope();
    }
}
