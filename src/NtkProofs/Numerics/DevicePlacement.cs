using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Numerics;

/// <summary>
/// Where an experiment's tensors live: the one placement seam. Parsed from "cpu", "cuda" or "cuda:N"; every TorchSharp
/// experiment creates its tensors on <see cref="Device"/> (directly, or through <see cref="Randn"/>, <see cref="Rand"/>,
/// <see cref="FromArray"/>, <see cref="Place"/>). Random draws always come from a CPU <see cref="Generator"/> and are then
/// moved, so a seed gives the same numbers on every device (and CUDA never sees a CPU generator).
/// </summary>
public sealed class DevicePlacement : IEquatable<DevicePlacement>
{
    private Device? device;

    private DevicePlacement(DeviceType type, int index)
    {
        Type = type;
        Index = index;
    }

    /// <summary>The CPU placement (the default everywhere).</summary>
    public static DevicePlacement Cpu { get; } = new(DeviceType.CPU, -1);

    /// <summary>CPU or CUDA.</summary>
    public DeviceType Type { get; }

    /// <summary>The CUDA ordinal, or -1 for "cpu" and plain "cuda" (the current CUDA device).</summary>
    public int Index { get; }

    /// <summary>True for "cuda" and "cuda:N".</summary>
    public bool IsCuda => Type == DeviceType.CUDA;

    /// <summary>"cpu", "cuda" or "cuda:N", as given on the command line.</summary>
    public string Name => Type == DeviceType.CPU ? "cpu" : Index < 0 ? "cuda" : string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}");

    /// <summary>The TorchSharp device (created on first use, so parsing never loads libtorch).</summary>
    public Device Device => device ??= new Device(Type, Index);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (N a non-negative integer). Does not check that the device exists: see <see cref="RequireAvailable"/>.</summary>
    /// <param name="text">The device string.</param>
    /// <exception cref="ArgumentException">One line naming the bad string and the accepted forms.</exception>
    public static DevicePlacement Parse(string? text)
    {
        var t = (text ?? string.Empty).Trim();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda")
        {
            return new DevicePlacement(DeviceType.CUDA, -1);
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new DevicePlacement(DeviceType.CUDA, index);
        }

        throw new ArgumentException($"--device '{text}': expected cpu, cuda or cuda:N (N = 0, 1, ...)", nameof(text));
    }

    /// <summary>
    /// Fails unless this placement can be used in this process: CUDA must be available (a CUDA libtorch and a GPU) and
    /// N must be below the number of CUDA devices. Never falls back to the CPU.
    /// </summary>
    /// <param name="cudaAvailable">Whether CUDA is available; null asks TorchSharp.</param>
    /// <param name="cudaDeviceCount">The number of CUDA devices; null asks TorchSharp.</param>
    /// <returns>This placement.</returns>
    /// <exception cref="InvalidOperationException">One line saying what is missing.</exception>
    public DevicePlacement RequireAvailable(bool? cudaAvailable = null, int? cudaDeviceCount = null)
    {
        if (!IsCuda)
        {
            return this;
        }

        bool available = cudaAvailable ?? torch.cuda.is_available();
        if (!available)
        {
            throw new InvalidOperationException($"--device {Name}: CUDA is not available here (torch.cuda.is_available() is false: no GPU, no driver, or a CPU-only libtorch; build with -p:TorchBackend=cuda or set NTKPROOFS_LIBTORCH); use --device cpu");
        }

        int count = cudaDeviceCount ?? torch.cuda.device_count();
        if (Index >= count)
        {
            throw new InvalidOperationException($"--device {Name}: out of range, this machine has {count} CUDA device(s) (cuda:0 to cuda:{count - 1})");
        }

        return this;
    }

    /// <summary>Moves <paramref name="tensor"/> to this device (a no-op returning the same tensor when it is already there).</summary>
    /// <param name="tensor">Any tensor.</param>
    public Tensor Place(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return OnThisDevice(tensor) ? tensor : tensor.to(Device);
    }

    /// <summary>Standard normal draws from the CPU <paramref name="generator"/>, then moved to this device.</summary>
    /// <param name="generator">A CPU generator.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Shape.</param>
    public Tensor Randn(Generator generator, ScalarType dtype, params long[] shape) =>
        Moved(randn(shape, dtype, device: CPU, generator: generator));

    /// <summary>Uniform [0, 1) draws from the CPU <paramref name="generator"/>, then moved to this device.</summary>
    /// <param name="generator">A CPU generator.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Shape.</param>
    public Tensor Rand(Generator generator, ScalarType dtype, params long[] shape) =>
        Moved(rand(shape, dtype, device: CPU, generator: generator));

    /// <summary>Integers in [low, high) from the CPU <paramref name="generator"/>, then moved to this device.</summary>
    /// <param name="generator">A CPU generator.</param>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Shape.</param>
    public Tensor Randint(Generator generator, long low, long high, ScalarType dtype, params long[] shape) =>
        Moved(randint(low, high, shape, dtype, device: CPU, generator: generator));

    /// <summary>A random permutation of 0..n-1 from the CPU <paramref name="generator"/>, then moved to this device.</summary>
    /// <param name="generator">A CPU generator.</param>
    /// <param name="n">Length.</param>
    public Tensor Randperm(Generator generator, long n) =>
        Moved(randperm(n, generator: generator, device: CPU));

    /// <summary>A tensor holding <paramref name="data"/> (row-major) on this device.</summary>
    /// <param name="data">Values.</param>
    /// <param name="shape">Shape.</param>
    /// <param name="dtype">Element type.</param>
    public Tensor FromArray(double[] data, long[] shape, ScalarType dtype = ScalarType.Float64) =>
        tensor(data, shape, dtype, device: Device);

    /// <summary>
    /// Waits for every queued kernel on this CUDA device (a no-op on the CPU). Timing code calls it before each read of
    /// the clock: CUDA ops are asynchronous, so without it a timer measures the launch, not the work.
    /// </summary>
    public void Synchronize()
    {
        if (IsCuda)
        {
            torch.cuda.synchronize(Device);
        }
    }

    /// <inheritdoc />
    public bool Equals(DevicePlacement? other) => other is not null && other.Type == Type && other.Index == Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DevicePlacement);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Index);

    /// <inheritdoc />
    public override string ToString() => Name;

    private bool OnThisDevice(Tensor t) => t.device_type == Type && (Index < 0 || t.device_index == Index || Type == DeviceType.CPU);

    private Tensor Moved(Tensor cpuTensor)
    {
        if (Type == DeviceType.CPU)
        {
            return cpuTensor;
        }

        using (cpuTensor)
        {
            return cpuTensor.to(Device);
        }
    }
}
