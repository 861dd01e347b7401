using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;

namespace NtkProofs.Tests.Experiments;

/// <summary><c>ntkproofs finetune</c>: option layering and bad input (exit code 2, nothing trained).</summary>
public sealed class FinetuneCommandTests
{
    [Theory]
    [InlineData(new[] { "finetune", "--task", "polarity", "--method", "adapterfusion" }, "adapterfusion")]
    [InlineData(new[] { "finetune", "--task", "sst2" }, "sst2")]
    [InlineData(new[] { "finetune", "--method", "lora" }, "--config FILE or --task")]
    [InlineData(new[] { "finetune", "--task", "polarity", "--method", "prefix", "--rank", "4" }, "--rank applies to lora and ntk")]
    [InlineData(new[] { "finetune", "--task", "polarity", "--method", "lora", "--prefix-length", "4" }, "--prefix-length applies to prefix")]
    [InlineData(new[] { "finetune", "--task", "polarity", "--steps", "0" }, "steps must be >= 1")]
    [InlineData(new[] { "finetune", "--task", "polarity", "--lr", "-1" }, "learning rate")]
    [InlineData(new[] { "finetune", "--config", "/nonexistent/x.json" }, "config file not found")]
    [InlineData(new[] { "finetune", "--task", "polarity", "--method", "ntk" }, "NtkAttention")]
    public void Bad_input_exits_with_2_and_a_clear_message(string[] args, string fragment)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliRunner.Run(args, output, error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(fragment, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_override_the_config_file_which_overrides_defaults()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ntkproofs-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "defaults.json"), "{\"steps\": 50, \"batch_size\": 8}");
            File.WriteAllText(Path.Combine(dir, "run.json"), "{\"method\": \"lora\", \"steps\": 70, \"lora_rank\": 4}");
            var overrides = new JsonObject { ["seed"] = 3 };
            var config = FinetuneCommand.Resolve(new FileInfo(Path.Combine(dir, "run.json")), overrides, rank: 2);
            Assert.Equal(70, config.Steps);
            Assert.Equal(8, config.BatchSize);
            Assert.Equal(3, config.Seed);
            Assert.Equal(2, config.LoraRank);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
