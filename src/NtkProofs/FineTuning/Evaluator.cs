using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Tokenization;
using static TorchSharp.torch;

namespace NtkProofs.FineTuning;

/// <summary>Evaluates an <see cref="AdaptedClassifier"/> in evaluation mode, without gradients, batch by batch.</summary>
public static class Evaluator
{
    /// <summary>Accuracy and loss on <paramref name="examples"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="examples">Labelled examples.</param>
    /// <param name="maxLength">Maximum tokens per example.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="onBatch">Called with the number of examples done after each batch (optional).</param>
    public static EvaluationResult Evaluate(AdaptedClassifier model, BertTextTokenizer tokenizer, IReadOnlyList<LabeledSentence> examples, int maxLength, int batchSize, Action<int>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new ArgumentException("nothing to evaluate", nameof(examples));
        }

        bool wasTraining = model.training;
        model.eval();
        long correct = 0;
        double lossSum = 0;
        var flags = new System.Text.StringBuilder(examples.Count);
        try
        {
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                var chunk = examples.Skip(start).Take(batchSize).ToList();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                using var batch = tokenizer.EncodeBatch(chunk.Select(e => e.Text).ToList(), maxLength, model.Device);
                var target = tensor(chunk.Select(e => (long)e.Label).ToArray(), device: model.Device);
                var logits = model.forward(batch.InputIds, batch.AttentionMask);
                lossSum += nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.Sum).item<float>();
                var hits = logits.argmax(1).eq(target).cpu().data<bool>().ToArray();
                foreach (bool hit in hits)
                {
                    flags.Append(hit ? '1' : '0');
                    correct += hit ? 1 : 0;
                }

                onBatch?.Invoke(Math.Min(start + batchSize, examples.Count));
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return new EvaluationResult((double)correct / examples.Count, lossSum / examples.Count, examples.Count) { Correct = flags.ToString() };
    }
}
