namespace NtkProofs.Kernels;

/// <summary>
/// Read-only doubles in a managed array or in native memory (a contiguous CPU tensor's storage, read in place instead of
/// copied), which parallel workers each view as a span: a span cannot be captured by a worker's lambda, this class can.
/// The native memory must outlive every use (the caller keeps its tensor alive).
/// </summary>
internal sealed unsafe class DoubleBuffer
{
    private readonly double[]? array;
    private readonly double* pointer;

    /// <summary>Doubles of a managed array.</summary>
    /// <param name="array">The array.</param>
    public DoubleBuffer(double[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        this.array = array;
        Length = array.Length;
    }

    /// <summary>Doubles at <paramref name="pointer"/> (native memory, not moved by the garbage collector).</summary>
    /// <param name="pointer">Address of the first double.</param>
    /// <param name="length">Number of doubles.</param>
    public DoubleBuffer(IntPtr pointer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (pointer == IntPtr.Zero && length > 0)
        {
            throw new ArgumentException("null pointer", nameof(pointer));
        }

        this.pointer = (double*)pointer;
        Length = length;
    }

    /// <summary>Number of doubles.</summary>
    public int Length { get; }

    /// <summary>
    /// The doubles of native memory given as bytes (for example a contiguous float64 CPU tensor's <c>bytes</c>): the address is
    /// kept, so the memory must be native (never moved) and outlive the buffer.
    /// </summary>
    /// <param name="native">The bytes, a whole number of doubles.</param>
    public static DoubleBuffer InPlace(ReadOnlySpan<byte> native)
    {
        if (native.Length % sizeof(double) != 0)
        {
            throw new ArgumentException($"{native.Length} bytes are not a whole number of doubles", nameof(native));
        }

        fixed (byte* first = native)
        {
            return new DoubleBuffer((IntPtr)first, native.Length / sizeof(double));
        }
    }

    /// <summary>The doubles as a span.</summary>
    public ReadOnlySpan<double> Span => array is not null ? array : new ReadOnlySpan<double>(pointer, Length);
}
