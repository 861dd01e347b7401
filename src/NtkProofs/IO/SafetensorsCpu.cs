using System.Buffers.Binary;
using static TorchSharp.torch;

namespace NtkProofs.IO;

/// <summary>
/// Reads the tensors of a safetensors file into CPU tensors, whatever the default device is (TorchSharp's
/// <c>Safetensors.LoadStateDict</c> creates them on the default device, which the placement test sets to the meta device).
/// The file is validated by <see cref="SafetensorsHeader"/> first.
/// </summary>
public static class SafetensorsCpu
{
    /// <summary>Loads every tensor (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL); the caller disposes them.</summary>
    /// <param name="path">The safetensors file.</param>
    public static Dictionary<string, Tensor> Load(string path)
    {
        var entries = SafetensorsHeader.Read(path);
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, entry) in entries)
        {
            var dtype = entry.DType switch
            {
                "F64" => ScalarType.Float64,
                "F32" => ScalarType.Float32,
                "F16" => ScalarType.Float16,
                "BF16" => ScalarType.BFloat16,
                "I64" => ScalarType.Int64,
                "I32" => ScalarType.Int32,
                "I16" => ScalarType.Int16,
                "I8" => ScalarType.Int8,
                "U8" => ScalarType.Byte,
                "BOOL" => ScalarType.Bool,
                _ => throw new InvalidDataException($"{path}: tensor '{name}' has dtype {entry.DType}, which TorchSharp has no type for"),
            };
            var bytes = new byte[entry.End - entry.Begin];
            stream.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
            var tensor = empty(entry.Shape, dtype, CPU);
            tensor.bytes = bytes;
            result[name] = tensor;
        }

        return result;
    }
}
