using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Pretrained;

/// <summary>Copies named pretrained weights into a <see cref="BertModel"/>, checking that every key and shape matches.</summary>
public static class BertWeightImporter
{
    /// <summary>
    /// Copies every parameter of <paramref name="model"/> from <paramref name="weights"/> (Hugging Face names). Extra weights
    /// whose names start with <c>pooler.</c> are ignored (this encoder has no pooler); any other missing, extra or
    /// mis-shaped weight throws <see cref="InvalidDataException"/> listing them.
    /// </summary>
    /// <param name="model">The target encoder.</param>
    /// <param name="weights">Named weights, Linear weights as [out, in].</param>
    public static void Load(BertModel model, IReadOnlyDictionary<string, NamedWeight> weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        var parameters = model.named_parameters().ToList();
        var missing = parameters.Where(p => !weights.ContainsKey(p.name)).Select(p => p.name).ToList();
        var names = parameters.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var unexpected = weights.Keys.Where(k => !names.Contains(k) && !k.StartsWith("pooler.", StringComparison.Ordinal)).ToList();
        var misshaped = parameters
            .Where(p => weights.TryGetValue(p.name, out var w) && !w.Shape.SequenceEqual(p.parameter.shape))
            .Select(p => $"{p.name} (model [{string.Join(", ", p.parameter.shape)}], weights [{string.Join(", ", weights[p.name].Shape)}])")
            .ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || misshaped.Count > 0)
        {
            throw new InvalidDataException(
                "pretrained weights do not match the model: " +
                $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}], shape mismatch [{string.Join(", ", misshaped)}]");
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var w = weights[name];
            using var source = tensor(w.Data, w.Shape, dtype: ScalarType.Float32, device: parameter.device);
            parameter.copy_(source);
        }
    }
}
