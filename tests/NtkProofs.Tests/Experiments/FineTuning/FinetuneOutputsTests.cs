using System.Text.Json.Nodes;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.FineTuning;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.Experiments.FineTuning;

/// <summary>finetune's adapter/, config.json and results.json are replaced as a unit: a failed run leaves the earlier set byte-identical.</summary>
public sealed class FinetuneOutputsTests
{
    [Fact]
    public void A_failed_run_leaves_the_earlier_runs_files_byte_identical()
    {
        string parent = Path.Combine(Path.GetTempPath(), "ntkproofs-outputs-" + Guid.NewGuid().ToString("N")[..8]);
        string outDir = Path.Combine(parent, "run");
        try
        {
            var overrides = new JsonObject { ["task"] = "polarity", ["adapter"] = new JsonObject { ["method"] = "lora", ["r"] = 2 }, ["steps"] = 2, ["batch_size"] = 8, ["max_length"] = 12, ["max_eval_examples"] = 16 };
            var config = FinetuneCommand.Resolve(null, overrides, rank: null);
            FineTuneResult Train(string staged) => FineTuneRunner.Run(config, staged, examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source);
            (string, string) Render(FineTuneResult r) => (r.Config.ToJson() + "\n", "{\"test_accuracy\": " + r.Test.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "}\n");

            FinetuneOutputs.Write(outDir, Train, Render);
            var before = Snapshot(outDir);
            Assert.Contains("config.json", before.Keys);
            Assert.Contains("results.json", before.Keys);
            Assert.Contains(Path.Combine("adapter", "adapter_config.json"), before.Keys);

            // Training fails after it wrote part of an adapter.
            Assert.Throws<InvalidOperationException>(() => FinetuneOutputs.Write(outDir, staged =>
            {
                Directory.CreateDirectory(staged);
                File.WriteAllText(Path.Combine(staged, "adapter_config.json"), "{\"method\": \"ntk\"}");
                throw new InvalidOperationException("the training loss is NaN at step 2");
            }, Render));
            AssertSame(before, Snapshot(outDir));

            // Training succeeds (a different adapter) but writing the results fails.
            var other = config with { Seed = config.Seed + 1 };
            Assert.Throws<IOException>(() => FinetuneOutputs.Write(outDir, staged => FineTuneRunner.Run(other, staged, examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source), _ => throw new IOException("disk full")));
            AssertSame(before, Snapshot(outDir));

            // Nothing staged is left beside the output folder.
            Assert.Equal(["run"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));

            // A successful run replaces the whole set.
            FinetuneOutputs.Write(outDir, staged => FineTuneRunner.Run(other, staged, examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source), Render);
            var after = Snapshot(outDir);
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            Assert.NotEqual(before["config.json"], after["config.json"]);
            Assert.Equal(["run"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(parent))
            {
                Directory.Delete(parent, recursive: true);
            }
        }
    }

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static void AssertSame(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} changed");
        }
    }
}
