using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;
using NtkProofs.Pretrained;
using NtkProofs.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>
/// Claim C13 (THEORY.md "Theorem B in practice"): beta = max |&lt;q, kappa&gt;| / sqrt(d_h) of all-MiniLM-L6-v2's real
/// queries (held-out polarity sentences, real tokens only) against the prefix keys of a P-Tuning v2 adapter, per layer
/// and head, at initialisation (steps = 0) or after a short training run on the polarity task with the existing trainer.
/// </summary>
public sealed class RealBetaExperiment : TypedExperiment<RealBetaResult>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "theoremb-real";

    private readonly EncoderSource encoder;
    private readonly Func<IReadOnlyList<LabeledSentence>> examples;

    /// <summary>The real experiment: all-MiniLM-L6-v2 on the polarity task.</summary>
    public RealBetaExperiment()
        : this(EncoderSource.MiniLm, () => PatternCorpus.Load(ClassificationTask.Polarity))
    {
    }

    /// <summary>An experiment on another encoder and data (tests use a tiny encoder).</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="examples">Labelled sentences.</param>
    public RealBetaExperiment(EncoderSource encoder, Func<IReadOnlyList<LabeledSentence>> examples)
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        this.examples = examples ?? throw new ArgumentNullException(nameof(examples));
    }

    /// <inheritdoc />
    /// <remarks>The model is built on the CPU (same initialisation everywhere) and moved; batches are made on the device.</remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "beta of real MiniLM queries against P-Tuning v2 prefix keys, per layer and head, at init or after a short training run";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("prefix_length", 10, "P-Tuning v2 prefix length m", 1, 100_000),
        ParameterSpec.Int("steps", 0, "training steps before measuring (0 = prefix at init)", 0, 1_000_000),
        ParameterSpec.Int("batch", 16, "training batch size", 1, 4096),
        ParameterSpec.Real("lr", 1e-2, "AdamW learning rate (experiments/configs/finetune/prefix.json uses 0.01)", 1e-8, 10),
        ParameterSpec.Int("max_length", 64, "tokens per sentence", 3, 512),
        ParameterSpec.Int("sentences", 64, "held-out sentences whose queries are measured", 1, 100_000),
        ParameterSpec.Int("seed", 1, "training seed", 0, int.MaxValue),
    ];

    /// <inheritdoc />
    public override RealBetaResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        int m = (int)point.Int("prefix_length"), steps = (int)point.Int("steps"), batchSize = (int)point.Int("batch"), maxLength = (int)point.Int("max_length"), count = (int)point.Int("sentences"), seed = (int)point.Int("seed");
        var splits = StratifiedSplitter.Split(examples(), checked((int)context.MasterSeed));
        manual_seed(seed);
        var adapter = (PrefixTuningAdapter)AdapterFactory.Create(new PrefixTuningAdapterConfig(m), encoder.Config);
        var tokenizer = encoder.LoadTokenizer();
        using var model = new AdaptedClassifier(encoder.LoadModel(), adapter, numLabels: 2);
        var device = context.Placement.Device;
        model.to(device);
        var losses = new List<double>();
        if (steps > 0)
        {
            using var trainer = new ClassificationTrainer(model, point.Real("lr"), 0.01, steps, steps / 10);
            var order = new BatchOrder(splits.Train.Count, batchSize, seed);
            for (int s = 0; s < steps; s++)
            {
                var chosen = order.Next().Select(i => splits.Train[i]).ToList();
                using var batch = tokenizer.EncodeBatch(chosen.Select(e => e.Text).ToList(), maxLength, device);
                losses.Add(trainer.Step(batch, chosen.Select(e => e.Label).ToList()).Loss);
            }
        }

        // Record the queries of every layer on held-out sentences (eval mode, no gradients).
        var recorders = adapter.LayerHooks.Select(h => new QueryRecorder(h ?? throw new InvalidOperationException("P-Tuning v2 has a hook on every layer"))).ToList();
        model.Bert.SetAdapters(recorders);
        model.eval();
        var held = splits.Test.Take(count).Select(e => e.Text).ToList();
        int d = encoder.Config.HeadDim;
        var heads = new List<RealBetaHead>();
        long queries;
        using (var noGrad = no_grad())
        using (var batch = tokenizer.EncodeBatch(held, maxLength, device))
        {
            _ = model.forward(batch.InputIds, batch.AttentionMask);
            queries = batch.AttentionMask.sum().item<long>();
            for (int layer = 0; layer < recorders.Count; layer++)
            {
                using var scope = NewDisposeScope();
                var q = recorders[layer].Query ?? throw new InvalidOperationException($"layer {layer} recorded no query");
                var real = recorders[layer].Mask!.to(q.dtype).unsqueeze(1).unsqueeze(-1);
                var masked = q * real;
                var keys = adapter.Encoder.LayerKeyValues(layer)[0].to(q.dtype);
                for (int h = 0; h < keys.shape[0]; h++)
                {
                    var dots = matmul(masked.select(1, h), keys[h].transpose(0, 1));
                    heads.Add(new RealBetaHead(layer, h, dots.abs().max().to(ScalarType.Float64).item<double>() / Math.Sqrt(d)));
                }
            }
        }

        foreach (var r in recorders)
        {
            r.Dispose();
        }

        double final = losses.Count == 0 ? double.NaN : losses.Skip(losses.Count - Math.Max(1, losses.Count / 10)).Average();
        return new RealBetaResult(m, steps, final, held.Count, queries, d, heads);
    }

    /// <summary>Delegates to a layer's hook and keeps its query and key mask.</summary>
    private sealed class QueryRecorder(IAttentionAdapter inner) : IAttentionAdapter, IDisposable
    {
        public Tensor? Query { get; private set; }

        public Tensor? Mask { get; private set; }

        public Tensor AdaptQuery(Tensor hidden, Tensor query) => inner.AdaptQuery(hidden, query);

        public Tensor AdaptKey(Tensor hidden, Tensor key) => inner.AdaptKey(hidden, key);

        public Tensor AdaptValue(Tensor hidden, Tensor value) => inner.AdaptValue(hidden, value);

        public Tensor Attend(AttentionInputs inputs)
        {
            Query?.Dispose();
            Mask?.Dispose();
            Query = inputs.Query.detach().clone().DetachFromDisposeScope();
            Mask = inputs.KeyMask.detach().clone().DetachFromDisposeScope();
            return inner.Attend(inputs);
        }

        public void Dispose()
        {
            Query?.Dispose();
            Mask?.Dispose();
        }
    }
}
