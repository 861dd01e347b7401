using System.Buffers.Binary;
using System.Text.Json;

namespace NtkProofs.IO;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="DType">The dtype code (F32, F64, I64, ...).</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Begin">Start offset in the data section.</param>
/// <param name="End">End offset (exclusive) in the data section.</param>
public sealed record SafetensorsEntry(string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads and validates the header of a safetensors file (8-byte little-endian header length, a JSON object of
/// name -> {dtype, shape, data_offsets}, then the data). Every inconsistency - a truncated file, a header longer than the
/// file, bad JSON, offsets outside the data or not matching dtype x shape, data beyond the last tensor - throws
/// <see cref="InvalidDataException"/> naming the file and the problem, before any tensor is read.
/// </summary>
public static class SafetensorsHeader
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Validates <paramref name="path"/> and returns its entries (without <c>__metadata__</c>).</summary>
    /// <param name="path">The safetensors file.</param>
    public static IReadOnlyDictionary<string, SafetensorsEntry> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file not found: {path}", path);
        }

        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Problem(path, $"file is {fileLength} bytes, too short for the 8-byte header length (truncated or not safetensors)");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
        {
            throw Problem(path, $"header length {headerLength} does not fit in a {fileLength}-byte file (truncated or not safetensors)");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Problem(path, "header is not a JSON object");
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                var e = property.Value;
                string dtype = e.GetProperty("dtype").GetString() ?? throw Problem(path, $"tensor '{property.Name}' has no dtype");
                long[] shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                long[] offsets = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                {
                    throw Problem(path, $"tensor '{property.Name}' has data offsets [{string.Join(", ", offsets)}] outside the {dataLength}-byte data section (truncated?)");
                }

                long expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * ElementSize(path, property.Name, dtype);
                if (offsets[1] - offsets[0] != expected)
                {
                    throw Problem(path, $"tensor '{property.Name}' ({dtype} [{string.Join(", ", shape)}]) needs {expected} bytes but its offsets span {offsets[1] - offsets[0]}");
                }

                entries[property.Name] = new SafetensorsEntry(dtype, shape, offsets[0], offsets[1]);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Problem(path, $"malformed header ({e.Message})", e);
        }

        long end = entries.Count == 0 ? 0 : entries.Values.Max(x => x.End);
        if (end != dataLength)
        {
            throw Problem(path, $"the tensors end at byte {end} of the data section but it has {dataLength} bytes (truncated or corrupted)");
        }

        return entries;
    }

    private static long ElementSize(string path, string name, string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "BOOL" or "U8" or "I8" => 1,
        _ => throw Problem(path, $"tensor '{name}' has unsupported dtype '{dtype}'"),
    };

    private static InvalidDataException Problem(string path, string problem, Exception? inner = null) =>
        new($"{path}: {problem}", inner);
}
