using NtkProofs.Transformers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The PEFT-style wrapper: a BERT encoder (key prefix <c>bert.</c>), an <see cref="AdapterModule"/> (<c>adapter.</c>) and
/// a Linear classification head on mean-pooled token states (<c>classifier.</c>). The constructor freezes the encoder
/// (unless the adapter trains it) and installs the adapter's hook in every attention layer. The wrapper owns all three
/// and disposes them.
/// </summary>
public sealed class AdaptedClassifier : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The state-dict prefix of the classification head's parameters.</summary>
    public const string HeadPrefix = "classifier.";

    private readonly BertModel bert;
    private readonly AdapterModule adapter;
    private readonly Linear classifier;
    private readonly bool baseNeedsGradient;

    /// <summary>Wraps <paramref name="bert"/>: freezes it, injects <paramref name="adapter"/>, adds a fresh head.</summary>
    /// <param name="bert">The base encoder (its weights are not copied).</param>
    /// <param name="adapter">The adapter built for <paramref name="bert"/>'s configuration.</param>
    /// <param name="numLabels">Number of classes.</param>
    public AdaptedClassifier(BertModel bert, AdapterModule adapter, int numLabels = 2)
        : base(nameof(AdaptedClassifier))
    {
        ArgumentNullException.ThrowIfNull(bert);
        ArgumentNullException.ThrowIfNull(adapter);
        if (numLabels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "a classifier needs at least 2 labels");
        }

        if (adapter.BaseConfig != bert.Config)
        {
            throw new ArgumentException($"the adapter was built for {adapter.BaseConfig} but the encoder is {bert.Config}", nameof(adapter));
        }

        this.bert = bert;
        this.adapter = adapter;
        classifier = nn.Linear(bert.Config.HiddenSize, numLabels, device: CPU);
        NumLabels = numLabels;
        foreach (var p in bert.parameters())
        {
            p.requires_grad = adapter.TrainsBaseModel;
        }

        bert.SetAdapters(adapter.LayerHooks);
        baseNeedsGradient = adapter.TrainsBaseModel || adapter.LayerHooks.Any(h => h is not null);
        RegisterComponents();
    }

    /// <summary>The base encoder.</summary>
    public BertModel Bert => bert;

    /// <summary>The adapter.</summary>
    public AdapterModule Adapter => adapter;

    /// <summary>The method's configuration.</summary>
    public AdapterConfig AdapterConfig => adapter.Config;

    /// <summary>Number of classes.</summary>
    public int NumLabels { get; }

    /// <summary>
    /// The device of the model's parameters (where its inputs must be). The wrapper is built on the CPU (so the CPU
    /// generator fixes every initialisation, the same on every device); <c>to(device)</c> moves all of it.
    /// </summary>
    public Device Device => classifier.weight!.device;

    /// <summary>
    /// Whether the encoder's per-token blocks skip the padding (default true: the pooling reads real tokens only, so the
    /// logits are the same up to floating-point rounding, with the same dropout masks for a seed, at about half the work on
    /// padded batches of sentences; see <see cref="TokenLayout"/>). False runs the padded computation.
    /// </summary>
    public bool SkipsPadding { get; set; } = true;

    /// <summary>Mean-pooled sentence representation, [B, D].</summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="attentionMask">[B, L].</param>
    public Tensor Pool(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        // With neither hooks nor a trainable encoder (head only), no gradient can flow into the encoder: skip its graph.
        using var grad = baseNeedsGradient ? null : no_grad();
        var hidden = bert.Forward(inputIds, attentionMask, SkipsPadding);
        return MeanPooling.Pool(hidden, attentionMask).MoveToOuterDisposeScope();
    }

    /// <summary>Class logits, [B, labels].</summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="attentionMask">[B, L], 1 for real tokens.</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(Pool(inputIds, attentionMask)).MoveToOuterDisposeScope();
    }

    /// <summary>The trainable parameters with their state-dict names (adapter, head, and the encoder when it trains).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();

    /// <summary>Trainable and total parameter counts.</summary>
    public ParameterSummary Summary()
    {
        long trainable = 0, total = 0;
        foreach (var (_, p) in named_parameters())
        {
            total += p.numel();
            if (p.requires_grad)
            {
                trainable += p.numel();
            }
        }

        return new ParameterSummary(trainable, total);
    }

    /// <summary>Writes PEFT's one-line summary.</summary>
    /// <param name="writer">Where to print.</param>
    public void PrintTrainableParameters(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Summary().ToString());
    }
}
