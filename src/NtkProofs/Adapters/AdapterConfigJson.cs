using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NtkProofs.IO;

namespace NtkProofs.Adapters;

/// <summary>Reads and writes <c>adapter_config.json</c> (an <see cref="AdapterConfig"/> with its <c>"method"</c> discriminator first).</summary>
public static class AdapterConfigJson
{
    /// <summary>The file name, as PEFT uses it.</summary>
    public const string FileName = "adapter_config.json";

    /// <summary>The serializer options (snake-case names, indented, unknown members rejected; polymorphic over <see cref="AdapterMethods"/>).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowOutOfOrderMetadataProperties = true,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AdapterMethods.AddPolymorphism } },
    };

    /// <summary>Serializes a configuration.</summary>
    /// <param name="config">The configuration.</param>
    public static string Serialize(AdapterConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Parses and validates a configuration; throws <see cref="InvalidDataException"/> naming <paramref name="source"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where the text came from (for messages).</param>
    public static AdapterConfig Deserialize(string json, string source = "adapter config")
    {
        try
        {
            var config = JsonSerializer.Deserialize<AdapterConfig>(json, Options)
                ?? throw new InvalidDataException($"{source}: the adapter config is null");
            return config.Validated();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid adapter config ({e.Message}); expected a JSON object with \"method\": {AdapterMethods.NamesText}", e);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"{source}: not a valid adapter config ({e.Message}); it needs a \"method\" field: {AdapterMethods.NamesText}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/> atomically.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="directory">Target folder (must exist).</param>
    public static void Write(AdapterConfig config, string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), Serialize(config) + "\n");

    /// <summary>Reads <see cref="FileName"/> from <paramref name="directory"/>.</summary>
    /// <param name="directory">The adapter folder.</param>
    public static AdapterConfig Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"missing {FileName} in {directory}", path);
        }

        return Deserialize(File.ReadAllText(path), path);
    }
}
