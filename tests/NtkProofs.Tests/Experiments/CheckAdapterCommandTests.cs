using System.Buffers.Binary;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Verification;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.FineTuning;
using NtkProofs.IO;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Experiments;

/// <summary><c>ntkproofs check-adapter</c>: a saved adapter passes, a tampered one fails with 1, unreadable folders exit with 2.</summary>
public sealed class CheckAdapterCommandTests(ITestOutputHelper testOutput) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("check-adapter").FullName;

    public void Dispose() => Directory.Delete(root, true);

    /// <summary>Trains a tiny LoRA classifier for two steps and saves it with a probe batch.</summary>
    private string SaveTiny(AdapterConfig? config = null)
    {
        string dir = Path.Combine(root, "adapter");
        using var model = TinyModels.Classifier(config ?? new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var batch = TinyModels.Batch();
        using (var trainer = new ClassificationTrainer(model, 1e-2, 0.01, 2))
        {
            trainer.Step(batch, TinyModels.Labels);
            trainer.Step(batch, TinyModels.Labels);
        }

        AdapterCheckpoint.Save(model, dir, TinyEncoder.Source.Name, batch);
        return dir;
    }

    private static (int Code, string Output, string Error) Check(string dir, Tolerance? tolerance = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CheckAdapterCommand.Execute(dir, TinyEncoder.Source, tolerance ?? Tolerance.SavedOutputs, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Overwrites the first float of tensor <paramref name="key"/> in adapter_model.safetensors.</summary>
    private static void Tamper(string dir, string key, float value)
    {
        string path = Path.Combine(dir, AdapterCheckpoint.WeightsFile);
        var entry = SafetensorsHeader.Read(path)[key];
        var bytes = File.ReadAllBytes(path);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(dataStart + entry.Begin), 4), value);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void One_low_mantissa_byte_flipped_in_the_weights_fails_the_digest_check_naming_the_file()
    {
        string dir = SaveTiny();
        string path = Path.Combine(dir, AdapterCheckpoint.WeightsFile);
        var entry = SafetensorsHeader.Read(path)["classifier.weight"];
        var bytes = File.ReadAllBytes(path);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        bytes[(int)(dataStart + entry.Begin)] ^= 0x01; // lowest mantissa byte of a little-endian float32
        File.WriteAllBytes(path, bytes);
        var (code, output, error) = Check(dir);
        Assert.True(code == ExitCodes.CheckFailed, output + error);
        Assert.Contains($"{AdapterCheckpoint.WeightsFile} changed", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saved_tiny_adapter_passes_every_applicable_check()
    {
        var (code, output, error) = Check(SaveTiny());
        Assert.True(code == ExitCodes.Success, output + error);
        Assert.Contains("probe outputs reproduced", output, StringComparison.Ordinal);
        Assert.Contains("rel. Frobenius error 0.000E+000", output, StringComparison.Ordinal);
        Assert.Contains("not applicable (no prefix-built NTK adapter: this is a 'lora' adapter)", output, StringComparison.Ordinal);
        Assert.Contains("all 7 applicable checks passed", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public void A_NaN_written_into_the_weights_fails_with_exit_1_and_names_the_checks()
    {
        string dir = SaveTiny();
        Tamper(dir, "classifier.weight", float.NaN);
        var (code, _, error) = Check(dir);
        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Contains("finite weights: FAIL: NaN or infinite values in [classifier.weight]", error, StringComparison.Ordinal);
        Assert.Contains("probe outputs reproduced: FAIL", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_weight_fails_the_probe_reproduction()
    {
        string dir = SaveTiny();
        Tamper(dir, "adapter.layers.0.value.lora_B.weight", 3.0f);
        var (code, _, error) = Check(dir);
        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Contains("probe outputs reproduced: FAIL", error, StringComparison.Ordinal);
        Assert.DoesNotContain("finite weights", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_base_model_fails_and_the_dependent_checks_do_not_run()
    {
        string dir = SaveTiny();
        var other = TinyEncoder.Source with { LoadModel = () => TinyModels.Base(7) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.CheckFailed, CheckAdapterCommand.Execute(dir, other, Tolerance.SavedOutputs, output, error));
        Assert.Contains("frozen weights differ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("probe outputs reproduced: not run", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AdapterCheckpoint.ProbeFile, "probe.safetensors")]
    [InlineData(AdapterConfigJson.FileName, "adapter_config.json")]
    [InlineData(AdapterCheckpoint.InfoFile, "checkpoint.json")]
    public void A_folder_missing_a_file_is_bad_input(string file, string named)
    {
        string dir = SaveTiny();
        File.Delete(Path.Combine(dir, file));
        var e = Assert.Throws<CliInputException>(() => Check(dir));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_weights_file_is_bad_input()
    {
        string dir = SaveTiny();
        File.WriteAllBytes(Path.Combine(dir, AdapterCheckpoint.WeightsFile), [1, 2, 3]);
        Assert.Contains(AdapterCheckpoint.WeightsFile, Assert.Throws<CliInputException>(() => Check(dir)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_theorem_B_row_claims_nothing_it_did_not_check()
    {
        string dir = SaveTiny();
        using var probe = TinyModels.Batch();
        Assert.Equal(AdapterCheckStatus.NotApplicable, PrefixBoundCheck.Check(new LoraAdapterConfig(), dir, null, probe).Status);
        Assert.Equal(AdapterCheckStatus.NotApplicable, PrefixBoundCheck.Check(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor), dir, null, probe).Status);
        File.WriteAllBytes(Path.Combine(dir, PrefixBoundCheck.PrefixSourceFile), [0]);
        Assert.Equal(AdapterCheckStatus.NotRun, PrefixBoundCheck.Check(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor), dir, null, probe).Status);
    }

    /// <summary>A tiny classifier whose NTK-Attention state is the closed form of a small random prefix (Taylor g = 2), saved with its prefix.</summary>
    private string SavePrefixBuilt(double keyScale)
    {
        string dir = Path.Combine(root, "prefix-built");
        var bert = TinyModels.Base(1);
        var config = bert.Config;
        manual_seed(21);
        var prefix = Enumerable.Range(0, config.NumLayers)
            .Select(_ => (randn(config.NumHeads, 6, config.HeadDim) * keyScale, randn(config.NumHeads, 6, config.HeadDim)))
            .ToList();
        using var model = new AdaptedClassifier(bert, NtkPrefixAdapter.Create(config, prefix));
        using var batch = TinyModels.Batch();
        AdapterCheckpoint.Save(model, dir, TinyEncoder.Source.Name, batch);
        prefix.ForEach(p => { p.Item1.Dispose(); p.Item2.Dispose(); });
        return dir;
    }

    [Fact]
    public void A_prefix_built_Taylor_adapter_passes_the_theorem_B_bound_and_a_tampered_Z_fails_it()
    {
        string dir = SavePrefixBuilt(keyScale: 0.5);
        Assert.True(File.Exists(Path.Combine(dir, PrefixBoundCheck.PrefixSourceFile)));
        var (code, output, error) = Check(dir);
        Assert.True(code == ExitCodes.Success, output + error);
        var checks = AdapterVerifier.Verify(dir, TinyEncoder.Source, Tolerance.SavedOutputs).Checks.ToDictionary(c => c.Name);
        var bound = checks[PrefixBoundCheck.Name];
        testOutput.WriteLine(bound.Detail);
        Assert.Equal(AdapterCheckStatus.Passed, bound.Status);
        Assert.StartsWith("8 of 8 layer-heads claimed (eps_g < 1), all within the bound", bound.Detail, StringComparison.Ordinal);
        Assert.Contains("signed by construction", checks["k >= 0"].Detail, StringComparison.Ordinal);

        Tamper(dir, "adapter.layers.0.z", 50.0f);
        (code, _, error) = Check(dir);
        Assert.Equal(ExitCodes.CheckFailed, code);
        testOutput.WriteLine(error);
        Assert.Contains("Theorem B bound on the probe inputs: FAIL: ", error, StringComparison.Ordinal);
        Assert.Contains("exceed the bound", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_eps_g_is_at_least_1_the_bound_is_reported_as_not_claimed()
    {
        var verification = AdapterVerifier.Verify(SavePrefixBuilt(keyScale: 40), TinyEncoder.Source, Tolerance.SavedOutputs);
        var row = verification.Checks.Single(c => c.Name == PrefixBoundCheck.Name);
        Assert.True(row.Status == AdapterCheckStatus.NotApplicable, row.Detail);
        Assert.StartsWith("bound not claimed: eps_g >= 1 in every layer and head", row.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_exits_with_2_through_the_cli()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, CliRunner.Run(["check-adapter", "--adapter", Path.Combine(root, "nothing-here")], output, error));
        Assert.Contains("adapter folder not found", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, CliRunner.Run(["check-adapter", "--adapter", root, "--model", "gpt2"], output, error));
    }

    [Fact]
    public void A_head_adapter_on_the_real_MiniLM_passes_through_the_cli()
    {
        string dir = Path.Combine(root, "minilm-head");
        var tokenizer = EncoderSource.MiniLm.LoadTokenizer();
        using (var model = new AdaptedClassifier(EncoderSource.MiniLm.LoadModel(), AdapterFactory.Create(new HeadOnlyConfig(), EncoderSource.MiniLm.Config)))
        using (var probe = tokenizer.EncodeBatch(["a gripping, funny film .", "flat and lifeless ."], 16))
        {
            AdapterCheckpoint.Save(model, dir, EncoderSource.MiniLm.Name, probe);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliRunner.Run(["check-adapter", "--adapter", dir, "--model", "minilm"], output, error);
        Assert.True(code == ExitCodes.Success, output.ToString() + error);
        Assert.Contains("sentence-transformers/all-MiniLM-L6-v2: 6 layers, 12 heads of 32", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("saved 770, checkpoint.json 770, built model 770, ParameterCounter 770", output.ToString(), StringComparison.Ordinal);
    }
}
