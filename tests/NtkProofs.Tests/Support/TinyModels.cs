using NtkProofs.Adapters;
using NtkProofs.Tokenization;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Support;

/// <summary>Tiny randomly initialised BERT classifiers and token batches for fast adapter tests.</summary>
internal static class TinyModels
{
    /// <summary>The tiny shape used throughout (2 layers, hidden 16, 4 heads of 4).</summary>
    public static BertConfig Config(double dropout = 0.0) => BertConfig.Tiny(dropout);

    /// <summary>A random base encoder; the same seed gives bit-identical weights.</summary>
    public static BertModel Base(long seed, double dropout = 0.0)
    {
        manual_seed(seed);
        var model = new BertModel(Config(dropout));
        return model;
    }

    /// <summary>A wrapped classifier: base from <paramref name="baseSeed"/>, adapter and head from <paramref name="adapterSeed"/>.</summary>
    public static AdaptedClassifier Classifier(AdapterConfig config, long baseSeed = 1, long adapterSeed = 2, double dropout = 0.0)
    {
        var bert = Base(baseSeed, dropout);
        manual_seed(adapterSeed);
        var adapter = AdapterFactory.Create(config, bert.Config);
        return new AdaptedClassifier(bert, adapter, 2);
    }

    /// <summary>A padded batch of random ids: lengths 7, 4, 6, 2 (with [CLS]=1 and [SEP]=2, pad 0).</summary>
    public static TokenBatch Batch(long seed = 3)
    {
        var random = new Random((int)seed);
        int[] lengths = [7, 4, 6, 2];
        var sequences = lengths.Select(n => (IReadOnlyList<int>)Enumerable.Range(0, n).Select(j => j == 0 ? 1 : j == n - 1 ? 2 : random.Next(5, 128)).ToList()).ToList();
        return TokenBatch.FromSequences(sequences, padId: 0);
    }

    /// <summary>Labels for <see cref="Batch"/>.</summary>
    public static IReadOnlyList<int> Labels { get; } = [1, 0, 1, 0];

    /// <summary>All methods, with small settings; NTK-Attention with each feature map (r = 4, 15, 8 on heads of 4), full and low-rank Z, both k parameterizations.</summary>
    public static IEnumerable<AdapterConfig> TrainableMethods()
    {
        yield return new HeadOnlyConfig();
        yield return new FullFineTuningConfig();
        yield return new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0);
        yield return new PrefixTuningAdapterConfig(NumVirtualTokens: 3);
        yield return new PrefixTuningAdapterConfig(NumVirtualTokens: 3, PrefixProjection: true, EncoderHiddenSize: 8);
        foreach (var ntk in NtkMethods())
        {
            yield return ntk;
        }
    }

    /// <summary>The NTK-Attention configurations of <see cref="TrainableMethods"/>.</summary>
    public static IEnumerable<NtkAttentionAdapterConfig> NtkMethods()
    {
        yield return new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1);
        yield return new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1, Rank: 2, KParameterization: KParameterization.Softplus);
        yield return new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2);
        yield return new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 8, Rank: 3, FeatureSeed: 5);
    }

    /// <summary>xunit member data over <see cref="TrainableMethods"/>, as JSON (stable display names).</summary>
    public static TheoryData<string> TrainableMethodsJson()
    {
        var data = new TheoryData<string>();
        foreach (var c in TrainableMethods())
        {
            data.Add(AdapterConfigJson.Serialize(c));
        }

        return data;
    }

    /// <summary>Logits in evaluation mode without gradients, detached from any scope.</summary>
    public static Tensor EvalLogits(AdaptedClassifier model, TokenBatch batch)
    {
        model.eval();
        using var noGrad = no_grad();
        return model.forward(batch.InputIds, batch.AttentionMask).detach().DetachFromDisposeScope();
    }
}
