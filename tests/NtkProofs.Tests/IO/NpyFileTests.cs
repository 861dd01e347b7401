using System.Buffers.Binary;
using System.Text;
using NtkProofs.IO;

namespace NtkProofs.Tests.IO;

/// <summary>The .npy reader and writer against bytes written by numpy 1.24.2 (numpy.save), and its rejections.</summary>
public sealed class NpyFileTests
{
    // numpy.save(np.array([[1.5, -2.0, 3.25], [0.0, 1e-300, -7.0]], dtype='<f8'))
    private const string Numpy2x3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACkAAAAAAAAAAAFnz+MIfbqUBAAAAAAAAHMA=";

    // numpy.save(np.arange(3, dtype='<f8'))
    private const string NumpyVector3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAPA/AAAAAAAAAEA=";

    [Fact]
    public void ReadsNumpyOutput()
    {
        var a = NpyFile.Read(new MemoryStream(Convert.FromBase64String(Numpy2x3)));
        Assert.Equal(new long[] { 2, 3 }, a.Shape);
        Assert.Equal(new[] { 1.5, -2.0, 3.25, 0.0, 1e-300, -7.0 }, a.Data);
        var v = NpyFile.Read(new MemoryStream(Convert.FromBase64String(NumpyVector3)));
        Assert.Equal(new long[] { 3 }, v.Shape);
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, v.Data);
    }

    [Fact]
    public void WritesExactlyWhatNumpyWrites()
    {
        var stream = new MemoryStream();
        NpyFile.Write(stream, new NpyArray([2, 3], [1.5, -2.0, 3.25, 0.0, 1e-300, -7.0]));
        Assert.Equal(Convert.FromBase64String(Numpy2x3), stream.ToArray());
        stream = new MemoryStream();
        NpyFile.Write(stream, new NpyArray([3], [0.0, 1.0, 2.0]));
        Assert.Equal(Convert.FromBase64String(NumpyVector3), stream.ToArray());
    }

    [Fact]
    public void RoundTripsThroughAFile()
    {
        string dir = Directory.CreateTempSubdirectory("npy").FullName;
        try
        {
            var data = Enumerable.Range(0, 24).Select(i => Math.Sin(i) * 1e5).ToArray();
            string path = Path.Combine(dir, "a.npy");
            NpyFile.Write(path, new NpyArray([2, 3, 4], data));
            var back = NpyFile.Read(path);
            Assert.Equal(new long[] { 2, 3, 4 }, back.Shape);
            Assert.Equal(data, back.Data);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("<f4", "False", 1, "dtype '<f4' is not supported")]
    [InlineData(">f8", "False", 1, "dtype '>f8' is not supported")]
    [InlineData("<f8", "True", 1, "Fortran-order")]
    [InlineData("<f8", "False", 2, "version 2.0 is not supported")]
    public void RejectsOtherFormatsWithAClearMessage(string descr, string fortran, byte major, string expected)
    {
        var bytes = Header(descr, fortran, "(2,)", major).Concat(new byte[16]).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes), "x.npy"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.npy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsTruncatedData()
    {
        var bytes = Header("<f8", "False", "(3,)", 1).Concat(new byte[16]).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes), "x.npy"));
        Assert.Contains("file ends before", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsNonNpyFilesAndMissingFiles()
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Encoding.ASCII.GetBytes("PK\u0003\u0004 not numpy")), "x.npy"));
        Assert.Contains("bad magic", e.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => NpyFile.Read("/nonexistent/x.npy"));
    }

    [Fact]
    public void ShapeAndDataMustAgree()
    {
        var e = Assert.Throws<ArgumentException>(() => new NpyArray([2, 2], [1, 2, 3]));
        Assert.Equal("data", e.ParamName);
    }

    private static byte[] Header(string descr, string fortran, string shape, byte major)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        string header = dict.PadRight(64 - 10 - 1) + "\n";
        var preamble = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0, 0, 0 };
        BinaryPrimitives.WriteUInt16LittleEndian(preamble.AsSpan(8), (ushort)header.Length);
        return preamble.Concat(Encoding.ASCII.GetBytes(header)).ToArray();
    }
}
