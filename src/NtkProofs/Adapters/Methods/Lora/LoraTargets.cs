using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>The attention projections LoRA adapts (flags; serialized as names such as <c>"query, value"</c>).</summary>
[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<LoraTargets>))]
public enum LoraTargets
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>W_Q: hidden -> heads x d_h.</summary>
    Query = 1,

    /// <summary>W_K: hidden -> kv heads x d_h.</summary>
    Key = 2,

    /// <summary>W_V: hidden -> kv heads x d_h.</summary>
    Value = 4,

    /// <summary>A fused W_QKV (ChatGLM's <c>query_key_value</c>): hidden -> (heads + 2 kv heads) x d_h. Counting only.</summary>
    QueryKeyValue = 8,

    /// <summary>W_O: heads x d_h -> hidden.</summary>
    Output = 16,
}
