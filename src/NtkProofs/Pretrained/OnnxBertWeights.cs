using Onnx;

namespace NtkProofs.Pretrained;

/// <summary>
/// Reads the float initializers of a BERT ONNX export and names them as the Hugging Face state dict does. Embeddings,
/// biases and LayerNorms keep their names in the export; the Linear weight matrices are anonymous and stored [in, out].
/// Each is recovered by tracing bias -> the Add that consumes it -> the MatMul feeding that Add -> the MatMul's 2-D
/// initializer, and is transposed to torch's [out, in].
/// </summary>
public static class OnnxBertWeights
{
    /// <summary>ONNX TensorProto data type FLOAT.</summary>
    private const int FloatType = 1;

    /// <summary>
    /// Parses <paramref name="onnx"/> and returns the named float weights, encoder Linear weights as [out, in]. The
    /// pooler (a Gemm in the export) is not traced: only its named bias is returned.
    /// </summary>
    /// <param name="onnx">The ONNX ModelProto bytes.</param>
    /// <returns>Name to (shape, row-major data).</returns>
    public static IReadOnlyDictionary<string, NamedWeight> Read(byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"not a valid ONNX model: {e.Message}", e);
        }

        var graph = model.Graph ?? throw new InvalidDataException("the ONNX model has no graph");
        var initializers = new Dictionary<string, NamedWeight>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (t.DataType == FloatType)
            {
                initializers[t.Name] = new NamedWeight(t.Dims.ToArray(), FloatData(t));
            }
        }

        var producer = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producer[output] = node;
            }
        }

        var result = new Dictionary<string, NamedWeight>(StringComparer.Ordinal);
        foreach (var (name, weight) in initializers)
        {
            if (name.Contains('.', StringComparison.Ordinal))
            {
                result[name] = weight;
            }
        }

        foreach (var bias in result.Keys.Where(IsLinearBias).ToList())
        {
            var add = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains(bias))
                ?? throw new InvalidDataException($"no Add node consumes the bias '{bias}'");
            string other = add.Input.First(s => s != bias);
            if (!producer.TryGetValue(other, out var matMul) || matMul.OpType != "MatMul")
            {
                throw new InvalidDataException($"the Add that consumes '{bias}' is not fed by a MatMul");
            }

            string weightName = matMul.Input.FirstOrDefault(s => initializers.TryGetValue(s, out var w) && w.Shape.Length == 2)
                ?? throw new InvalidDataException($"the MatMul before '{bias}' has no 2-D initializer input");
            var stored = initializers[weightName];
            result[bias[..^".bias".Length] + ".weight"] = stored.Transposed();
        }

        return result;
    }

    private static bool IsLinearBias(string name) =>
        name.EndsWith(".bias", StringComparison.Ordinal) && !name.Contains("LayerNorm", StringComparison.Ordinal)
        && name.StartsWith("encoder.", StringComparison.Ordinal);

    private static float[] FloatData(TensorProto t)
    {
        if (!t.RawData.IsEmpty)
        {
            var span = t.RawData.Span;
            if (span.Length % 4 != 0)
            {
                throw new InvalidDataException($"initializer '{t.Name}' has {span.Length} raw bytes, not a multiple of 4");
            }

            var data = new float[span.Length / 4];
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(span).CopyTo(data);
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported");
            }

            return data;
        }

        return t.FloatData.ToArray();
    }
}

/// <summary>A named float weight: its shape and row-major data.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Row-major values.</param>
public sealed record NamedWeight(long[] Shape, float[] Data)
{
    /// <summary>The transpose of a matrix.</summary>
    public NamedWeight Transposed()
    {
        if (Shape.Length != 2)
        {
            throw new InvalidOperationException($"only matrices can be transposed, got rank {Shape.Length}");
        }

        long rows = Shape[0], cols = Shape[1];
        var t = new float[Data.Length];
        for (long i = 0; i < rows; i++)
        {
            for (long j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = Data[(i * cols) + j];
            }
        }

        return new NamedWeight([cols, rows], t);
    }
}
