using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NtkProofs.Experiments.Reports;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>The run manifest: what it captures, its JSON form, and where it is written.</summary>
public sealed partial class RunManifestTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("manifest").FullName;

    public void Dispose() => Directory.Delete(root, true);

    [GeneratedRegex("^([0-9a-f]{7}|nogit)-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$")]
    private static partial Regex IdPattern();

    [Fact]
    public void CaptureRecordsCodeToolchainAndMachine()
    {
        var m = RunManifest.Capture("sweep", ["fake", "--config", "a b.json"], "cpu");
        Assert.Matches(IdPattern(), m.Id);
        Assert.Equal("ntkproofs fake --config 'a b.json'", m.CommandLine);
        Assert.True(m.GitCommit == "unknown" || Regex.IsMatch(m.GitCommit, "^[0-9a-f]{40}$"), m.GitCommit);
        Assert.Contains(".NET", m.Dotnet, StringComparison.Ordinal);
        Assert.StartsWith("0.107", m.Packages["TorchSharp"], StringComparison.Ordinal);
        Assert.StartsWith("0.57", m.Packages["Spectre.Console"], StringComparison.Ordinal);
        Assert.StartsWith("2.0", m.Packages["System.CommandLine"], StringComparison.Ordinal);
        Assert.StartsWith("5.0", m.Packages["MathNet.Numerics"], StringComparison.Ordinal);
        Assert.NotEqual("unknown", m.Libtorch);
        Assert.Equal(Environment.ProcessorCount, m.LogicalCores);
        Assert.True(m.TorchThreads >= 1);
        Assert.False(string.IsNullOrWhiteSpace(m.Cpu));
        Assert.Equal(RunStatus.Running, m.Status);
        Assert.Null(m.EndUtc);
    }

    [Fact]
    public void FinishedManifestRoundTripsThroughSnakeCaseJson()
    {
        var m = (RunManifest.Capture("merge", [], "cpu") with { MasterSeed = 42, Shard = "1/2" })
            .Finish(RunStatus.Interrupted, new Dictionary<string, long> { ["computed"] = 3 });
        Assert.True(m.WallSeconds >= 0);
        var json = JsonNode.Parse(m.ToJson())!.AsObject();
        foreach (string key in new[] { "id", "git_commit", "git_dirty", "dotnet", "libtorch", "packages", "os", "cpu", "logical_cores", "torch_threads", "device", "master_seed", "command_line", "start_utc", "end_utc", "wall_seconds" })
        {
            Assert.True(json.ContainsKey(key), key);
        }

        Assert.Equal("interrupted", json["status"]!.GetValue<string>());
        var back = RunManifest.FromJson(m.ToJson());
        Assert.Equal(m.ToJson(), back.ToJson());
    }

    [Fact]
    public void WriteKeepsTheLatestAndEveryRun()
    {
        var first = RunManifest.Capture("sweep", [], "cpu");
        var second = RunManifest.Capture("sweep", [], "cpu");
        first.Write(root);
        second.Write(root);
        Assert.Equal(second.ToJson() + "\n", File.ReadAllText(Path.Combine(root, RunManifest.FileName)));
        Assert.Equal(first.ToJson() + "\n", File.ReadAllText(Path.Combine(root, RunManifest.ArchiveFolder, first.Id + ".json")));
        Assert.True(File.Exists(Path.Combine(root, RunManifest.ArchiveFolder, second.Id + ".json")));
    }
}
