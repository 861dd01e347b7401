using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NtkProofs.IO;

/// <summary>
/// Reads and writes NumPy .npy files of format version 1.0 holding little-endian float64 arrays in C order
/// (descr '&lt;f8', fortran_order False). Anything else is rejected with a message saying what was found.
/// Writes go to a temporary file first and are moved into place, so an existing file is never half-overwritten.
/// </summary>
public static partial class NpyFile
{
    private const long MaxValues = int.MaxValue / sizeof(double);

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a float64 array and its shape.</summary>
    /// <param name="path">The .npy file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a v1.0 little-endian float64 C-order .npy file.</exception>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"missing input file: {path}", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a float64 array from a stream.</summary>
    /// <param name="stream">The stream positioned at the magic string.</param>
    /// <param name="name">Name used in error messages.</param>
    public static NpyArray Read(Stream stream, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[10];
        if (ReadFully(stream, preamble) < 10 || !preamble[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a NumPy .npy file (bad magic string)");
        }

        byte major = preamble[6], minor = preamble[7];
        if (major != 1 || minor != 0)
        {
            throw new InvalidDataException($"{name}: .npy format version {major}.{minor} is not supported; write it with version 1.0 (numpy.save does for small headers)");
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
        {
            throw new InvalidDataException($"{name}: truncated .npy header");
        }

        string header = Encoding.ASCII.GetString(headerBytes);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{name}: malformed .npy header: {header.Trim()}");
        }

        string dtype = descr.Groups[1].Value;
        if (dtype != "<f8")
        {
            throw new InvalidDataException($"{name}: dtype '{dtype}' is not supported; NtkProofs reads little-endian float64 ('<f8') only (use array.astype('<f8'))");
        }

        if (fortran.Groups[1].Value != "False")
        {
            throw new InvalidDataException($"{name}: Fortran-order arrays are not supported; save a C-contiguous array (numpy.ascontiguousarray)");
        }

        var shape = ParseShape(shapeMatch.Groups[1].Value, name);
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim != 0 && count > MaxValues / dim)
            {
                throw new InvalidDataException($"{name}: .npy shape ({shapeMatch.Groups[1].Value.Trim()}) holds more values than NtkProofs reads ({MaxValues})");
            }

            count *= dim;
        }

        if (stream.CanSeek && stream.Length - stream.Position < count * sizeof(double))
        {
            throw new InvalidDataException($"{name}: file ends before the {count} float64 values its header announces (shape ({string.Join(", ", shape)}))");
        }

        var data = new double[count];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
        if (ReadFully(stream, bytes) < bytes.Length)
        {
            throw new InvalidDataException($"{name}: file ends before the {count} float64 values its header announces (shape ({string.Join(", ", shape)}))");
        }

        if (stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"{name}: trailing bytes after the {count} float64 values its header announces (shape ({string.Join(", ", shape)})); the file is not a single .npy array");
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(data[i])));
            }
        }

        return new NpyArray(shape, data);
    }

    private static long[] ParseShape(string text, string name)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new InvalidDataException($"{name}: .npy shape ({text.Trim()}) has '{parts[i]}', which is not a non-negative integer that fits in 64 bits");
            }
        }

        return shape;
    }

    /// <summary>Writes a float64 array atomically (temporary file, then move).</summary>
    /// <param name="path">Destination.</param>
    /// <param name="array">Shape and C-order data.</param>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            Write(stream, array);
        });
    }

    /// <summary>Writes a float64 array to a stream in .npy v1.0 format.</summary>
    /// <param name="stream">Destination stream.</param>
    /// <param name="array">Shape and C-order data.</param>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", array.Shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        string header = dict + new string(' ', padding) + "\n";
        Span<byte> preamble = stackalloc byte[10];
        Magic.CopyTo(preamble);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], checked((ushort)header.Length));
        stream.Write(preamble);
        stream.Write(Encoding.ASCII.GetBytes(header));
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.Data.AsSpan()));
        }
        else
        {
            var buffer = new byte[8];
            foreach (double v in array.Data)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer, v);
                stream.Write(buffer);
            }
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
