using NtkProofs.Numerics;
using TorchSharp;

namespace NtkProofs.Tests.Numerics;

/// <summary>Parsing and availability checks of the placement seam (no GPU needed: availability is passed in).</summary>
public sealed class DevicePlacementTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1, "cpu")]
    [InlineData("cuda", DeviceType.CUDA, -1, "cuda")]
    [InlineData("cuda:0", DeviceType.CUDA, 0, "cuda:0")]
    [InlineData("cuda:12", DeviceType.CUDA, 12, "cuda:12")]
    public void ParsesTheThreeForms(string text, DeviceType type, int index, string name)
    {
        var p = DevicePlacement.Parse(text);
        Assert.Equal(type, p.Type);
        Assert.Equal(index, p.Index);
        Assert.Equal(name, p.Name);
        Assert.Equal(p, DevicePlacement.Parse(name));
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("CUDA")]
    [InlineData("cuda:1:2")]
    public void RejectsAnythingElseInOneLine(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DevicePlacement.Parse(text));
        Assert.Contains("expected cpu, cuda or cuda:N", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void CudaWithoutCudaIsAnErrorNotAFallback()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DevicePlacement.Parse("cuda").RequireAvailable(cudaAvailable: false, cudaDeviceCount: 0));
        Assert.Contains("CUDA is not available", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Same(DevicePlacement.Cpu, DevicePlacement.Cpu.RequireAvailable(cudaAvailable: false, cudaDeviceCount: 0));
    }

    [Fact]
    public void CudaIndexOutOfRangeNamesTheRange()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DevicePlacement.Parse("cuda:2").RequireAvailable(cudaAvailable: true, cudaDeviceCount: 2));
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("cuda:0 to cuda:1", e.Message, StringComparison.Ordinal);
        Assert.Equal("cuda:1", DevicePlacement.Parse("cuda:1").RequireAvailable(cudaAvailable: true, cudaDeviceCount: 2).Name);
    }

    [Fact]
    public void OnThisMachineCudaIsRefusedUnlessTorchSharpSeesIt()
    {
        if (torch.cuda.is_available())
        {
            Assert.True(DevicePlacement.Parse("cuda:0").RequireAvailable().IsCuda);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => DevicePlacement.Parse("cuda").RequireAvailable());
        }
    }

    [Fact]
    public void RandomDrawsAreTheSameWhateverThePlacementAndLandOnIt()
    {
        using var g1 = new torch.Generator(7);
        using var g2 = new torch.Generator(7);
        using var direct = torch.randn([3, 2], torch.float64, generator: g1);
        using var placed = DevicePlacement.Cpu.Randn(g2, torch.float64, 3, 2);
        Assert.Equal(DeviceType.CPU, placed.device_type);
        Assert.Equal(direct.data<double>().ToArray(), placed.data<double>().ToArray());
    }
}
