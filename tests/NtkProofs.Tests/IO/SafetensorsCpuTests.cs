using NtkProofs.IO;
using static TorchSharp.torch;

namespace NtkProofs.Tests.IO;

/// <summary><see cref="SafetensorsCpu"/> reads back what TorchSharp wrote, on the CPU, for float and integer tensors.</summary>
public sealed class SafetensorsCpuTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "ntkproofs-safetensors-" + Guid.NewGuid().ToString("N") + ".safetensors");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void RoundTripsFloatAndIntegerTensorsOnTheCpu()
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>
        {
            ["f64"] = randn(3, 4, dtype: ScalarType.Float64),
            ["f32"] = randn(5, dtype: ScalarType.Float32),
            ["ids"] = arange(6, dtype: ScalarType.Int64).view(2, 3),
            ["mask"] = tensor(new[] { true, false, true }),
        };
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, state);
        var loaded = SafetensorsCpu.Load(path);
        Assert.Equal(state.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, expected) in state)
        {
            var actual = loaded[name];
            Assert.Equal(TorchSharp.DeviceType.CPU, actual.device_type);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.eq(actual).all().item<bool>(), name);
        }
    }

    [Fact]
    public void ATruncatedFileIsRefusedWithItsPath()
    {
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.ThrowsAny<Exception>(() => SafetensorsCpu.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
