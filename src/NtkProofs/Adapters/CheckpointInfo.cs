using System.Text.Json.Serialization;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>
/// <c>checkpoint.json</c>: what an adapter folder was saved against - the base model and its shape, the head size, the
/// saved keys, and a fingerprint of the frozen weights (count, sum, sum of squares) that detects loading into a
/// different base model.
/// </summary>
/// <param name="Format">File format tag.</param>
/// <param name="BaseModel">The base model's name.</param>
/// <param name="BaseConfig">The encoder shape.</param>
/// <param name="NumLabels">Number of classes of the head.</param>
/// <param name="Trainable">Trainable parameters (the saved ones).</param>
/// <param name="Total">All parameters of the wrapped model.</param>
/// <param name="Keys">The saved state-dict keys.</param>
/// <param name="FrozenCount">Number of frozen scalars.</param>
/// <param name="FrozenSum">Sum of the frozen scalars.</param>
/// <param name="FrozenSumSquares">Sum of their squares.</param>
public sealed record CheckpointInfo(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("base_model")] string BaseModel,
    [property: JsonPropertyName("base_config")] BertConfig BaseConfig,
    [property: JsonPropertyName("num_labels")] int NumLabels,
    [property: JsonPropertyName("trainable_params")] long Trainable,
    [property: JsonPropertyName("all_params")] long Total,
    [property: JsonPropertyName("keys")] IReadOnlyList<string> Keys,
    [property: JsonPropertyName("frozen_count")] long FrozenCount,
    [property: JsonPropertyName("frozen_sum")] double FrozenSum,
    [property: JsonPropertyName("frozen_sum_squares")] double FrozenSumSquares)
{
    /// <summary>The format tag this version writes.</summary>
    public const string CurrentFormat = "ntkproofs-adapter/1";

    /// <summary>
    /// SHA-256 (lowercase hex) of every other file of the folder as saved, by file name; null for folders saved before
    /// digests were recorded. <c>check-adapter</c> fails on any file whose bytes changed.
    /// </summary>
    [JsonPropertyName("sha256")]
    public IReadOnlyDictionary<string, string>? Sha256 { get; init; }
}
