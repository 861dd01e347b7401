using System.Text.Json;
using System.Text.Json.Serialization;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Reporting;

/// <summary>Writes an object as indented JSON atomically. NaN and infinities become null (JSON has no such numbers).</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new NonFiniteAsNull() },
    };

    /// <summary>Serializes and writes <paramref name="value"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, object value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options));

    private sealed class NonFiniteAsNull : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
