using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>
/// Embeds an <see cref="AdapterConfig"/> in another JSON document (e.g. the <c>"adapter"</c> object of a fine-tuning
/// config) exactly as <see cref="AdapterConfigJson"/> writes <c>adapter_config.json</c>: same names, same validation.
/// </summary>
public sealed class AdapterConfigJsonConverter : JsonConverter<AdapterConfig>
{
    /// <inheritdoc />
    public override AdapterConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return AdapterConfigJson.Deserialize(document.RootElement.GetRawText(), "\"adapter\"");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AdapterConfig value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        JsonSerializer.Serialize(writer, value, AdapterConfigJson.Options);
    }
}
