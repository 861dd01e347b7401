using System.Security.Cryptography;
using NtkProofs.Experiments.Cli;
using NtkProofs.Tests.Support;
using TorchSharp;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// The meta-device sentinel of <see cref="ExperimentPlacementTests"/> applied to the commands that compute outside the
/// sweep runner: with TorchSharp's default device set to <c>meta</c>, <c>kernel</c> and <c>attention</c> run with
/// <c>--device cpu</c> must write exactly what a normal run writes, so every tensor they compute with was created on the
/// requested device. Not covered here: finetune (it loads the real all-MiniLM-L6-v2 and task data; its runner is covered by
/// the finetune experiment in <see cref="ExperimentPlacementTests"/>) and check-adapter, whose safetensors reader
/// (TorchSharp.PyBridge) creates tensors on the default device by design (on a GPU machine that stays the CPU, and the
/// verifier moves the probe batch to the requested device).
/// </summary>
[Collection(DefaultDeviceCollection.Name)]
public sealed class CommandPlacementTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("command-placement").FullName;

    /// <summary>Removes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(root, true);

    [Theory]
    [InlineData("kernel")]
    [InlineData("attention")]
    public void TheCommandWritesTheSameFilesWithUnplacedTensorsOnMeta(string command)
    {
        string input = Path.Combine(root, "in");
        if (command == "kernel")
        {
            BadInputTableTests.WriteInputs(input);
        }
        else
        {
            BadInputTableTests.WriteAttentionInputs(input);
        }

        string[] Args(string output) => command == "kernel"
            ? ["kernel", "--in", input, "--out", output, "--device", "cpu"]
            : ["attention", "--in", input, "--out", output, "--feature", "prf:16", "--device", "cpu"];
        string normal = Path.Combine(root, "normal"), sentinel = Path.Combine(root, "sentinel");
        var err = new StringWriter();
        Assert.True(CliRunner.Run(Args(normal), TextWriter.Null, err) == ExitCodes.Success, err.ToString());
        int code = WithUnplacedTensorsOnMeta(() => CliRunner.Run(Args(sentinel), TextWriter.Null, err));
        Assert.True(code == ExitCodes.Success, $"{command}: a tensor was created without the requested device (it landed on the meta sentinel): {err}");
        Assert.Equal(Hashes(normal), Hashes(sentinel));
    }

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.GetFiles(dir).Where(f => !f.EndsWith(".json", StringComparison.Ordinal) || Path.GetFileName(f) == "summary.json")
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static T WithUnplacedTensorsOnMeta<T>(Func<T> action)
    {
        var before = torch.get_default_device();
        torch.set_default_device(torch.META);
        try
        {
            return action();
        }
        finally
        {
            torch.set_default_device(before);
        }
    }
}
