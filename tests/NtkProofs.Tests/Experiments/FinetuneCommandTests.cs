using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.FineTuning;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;

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
    [InlineData(new[] { "finetune", "--task", "polarity", "--method", "ntk", "--prefix-length", "4" }, "--prefix-length applies to prefix, not to 'ntk'")]
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
            File.WriteAllText(Path.Combine(dir, "run.json"), "{\"adapter\": {\"method\": \"lora\", \"r\": 4}, \"steps\": 70}");
            var overrides = new JsonObject { ["seed"] = 3 };
            var config = FinetuneCommand.Resolve(new FileInfo(Path.Combine(dir, "run.json")), overrides, rank: 2);
            Assert.Equal(70, config.Steps);
            Assert.Equal(8, config.BatchSize);
            Assert.Equal(3, config.Seed);
            Assert.Equal(2, ((LoraAdapterConfig)config.Adapter).Rank);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Ntk_flags_resolve_and_train_on_the_tiny_encoder_and_the_adapter_passes_check_adapter()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ntkproofs-ntk-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var overrides = new JsonObject { ["task"] = "polarity", ["adapter"] = new JsonObject { ["method"] = "ntk" }, ["steps"] = 2, ["batch_size"] = 8, ["max_length"] = 12, ["max_eval_examples"] = 16 };
            var config = FinetuneCommand.Resolve(null, overrides, rank: 4);
            Assert.Equal(4, ((NtkAttentionAdapterConfig)config.Adapter).Rank);
            Assert.Equal(new NtkAttentionAdapterConfig(Rank: 4), config.ToAdapterConfig());

            var result = FineTuneRunner.Run(config, dir, examples: TinyEncoder.Sentences(), encoder: TinyEncoder.Source);
            Assert.Equal(2, result.Steps.Count);
            Assert.Equal(ParameterCounter.CountAdapter(config.ToAdapterConfig(), AttentionArchitecture.FromBert(TinyEncoder.Source.Config)) + 34, result.Trainable);

            using var output = new StringWriter();
            using var error = new StringWriter();
            int code = CheckAdapterCommand.Execute(dir, TinyEncoder.Source, Tolerance.SavedOutputs, output, error);
            Assert.True(code == ExitCodes.Success, output.ToString() + error);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
