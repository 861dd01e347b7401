using System.CommandLine;
using System.Globalization;
using NtkProofs.Experiments.Cli;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs device [--device D]</c>: prints where libtorch came from (the NuGet package or <c>NTKPROOFS_LIBTORCH</c>),
/// the version TorchSharp loaded, whether CUDA is available and how many devices it sees; with <c>--device</c>, fails
/// (exit 2, one line) unless that device can be used. The GPU script runs it before any sweep.
/// </summary>
public sealed class DeviceCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var device = new Option<string?>("--device") { Description = "Also require this device (cpu, cuda or cuda:N) to be usable; exit 2 when it is not." };
        var command = new Command("device", "Print the libtorch TorchSharp loaded and the CUDA devices it sees; with --device, require that device.")
        {
            device,
        };
        command.SetAction(parse => Run(parse.GetValue(device), parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string? device, TextWriter stdout)
    {
        string source = LibTorchLocation.LoadedFrom is { } folder
            ? $"{LibTorchLocation.Variable}={folder} (version file says {LibTorchLocation.FolderVersion})"
            : "the libtorch NuGet package next to the program";
        stdout.WriteLine($"libtorch source: {source}");
        stdout.WriteLine($"libtorch loaded by TorchSharp: {TorchRuntime.LibTorchVersion} (TorchSharp expects {LibTorchLocation.ExpectedVersion})");
        bool cuda = TorchSharp.torch.cuda.is_available();
        int count = cuda ? TorchSharp.torch.cuda.device_count() : 0;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cuda available: {(cuda ? "yes" : "no")}; cuda devices: {count}"));
        if (device is not null)
        {
            var placement = SweepCommand.RequireDevice(device);
            stdout.WriteLine($"device {placement.Name}: usable");
        }

        return ExitCodes.Success;
    }
}
