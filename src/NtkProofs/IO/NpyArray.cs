using static TorchSharp.torch;

namespace NtkProofs.IO;

/// <summary>A float64 array in C order with its shape, as stored in a .npy file.</summary>
public sealed class NpyArray
{
    /// <summary>Creates an array; the data length must equal the product of the shape.</summary>
    /// <param name="shape">Dimensions.</param>
    /// <param name="data">Values in C (row-major) order.</param>
    public NpyArray(long[] shape, double[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(s => s < 0))
        {
            throw new ArgumentException("shape entries must be non-negative", nameof(shape));
        }

        long count = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count != data.Length)
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values but {data.Length} were given", nameof(data));
        }

        Shape = shape;
        Data = data;
    }

    /// <summary>The dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>The values in C order.</summary>
    public double[] Data { get; }

    /// <summary>Copies a float64 CPU tensor.</summary>
    /// <param name="t">The tensor (any float type; converted to float64).</param>
    public static NpyArray FromTensor(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var contiguous = t.detach().to(ScalarType.Float64).cpu().contiguous();
        return new NpyArray(contiguous.shape, contiguous.data<double>().ToArray());
    }

    /// <summary>A new float64 tensor with this array's shape and data.</summary>
    /// <param name="device">Where the tensor lives (null: TorchSharp's default device, the CPU unless changed).</param>
    public Tensor ToTensor(Device? device = null) => tensor(Data, Shape, ScalarType.Float64, device: device);

    /// <summary>Requires a 2-D array and returns its (rows, columns); the message names <paramref name="name"/>.</summary>
    /// <param name="name">What the array is, for the error message.</param>
    public (long Rows, long Columns) RequireMatrix(string name)
    {
        if (Shape.Length != 2)
        {
            throw new InvalidDataException($"{name} must be a 2-D array, got shape ({string.Join(", ", Shape)})");
        }

        return (Shape[0], Shape[1]);
    }
}
