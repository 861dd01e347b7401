using NtkProofs.FineTuning;
using NtkProofs.IO;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The outputs of one <c>ntkproofs finetune</c> run as a unit: the adapter folder, <c>config.json</c> and
/// <c>results.json</c> are written into a sibling staging folder (<see cref="OutputSet"/>) and moved into the output
/// folder only after training, evaluation and saving all succeeded. A run that fails at any point before that leaves the
/// earlier run's files byte-identical.
/// </summary>
public static class FinetuneOutputs
{
    /// <summary>The adapter folder's name inside the output folder.</summary>
    public const string AdapterFolder = "adapter";

    /// <summary>The resolved configuration's file name.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The results' file name.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>
    /// Trains into a staging folder and moves adapter/, config.json and results.json into <paramref name="outDir"/>.
    /// </summary>
    /// <param name="outDir">The output folder (created if missing).</param>
    /// <param name="train">Trains and saves the adapter into the folder it is given; returns the result.</param>
    /// <param name="render">The texts of config.json and results.json for the result.</param>
    /// <returns>The result of <paramref name="train"/>.</returns>
    public static FineTuneResult Write(string outDir, Func<string, FineTuneResult> train, Func<FineTuneResult, (string Config, string Results)> render)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(render);
        using var set = OutputSet.Begin(outDir);
        string stagedAdapter = Path.Combine(set.Staging, AdapterFolder);
        var result = train(stagedAdapter);
        if (!Directory.Exists(stagedAdapter))
        {
            throw new IOException($"the run saved no adapter to {stagedAdapter}; nothing replaced");
        }

        var (config, results) = render(result);
        File.WriteAllText(set.PathOf(ConfigFile), config);
        File.WriteAllText(set.PathOf(ResultsFile), results);

        // The adapter folder goes in by directory renames; the earlier one is kept aside until the files are in place.
        Directory.CreateDirectory(set.Target);
        string target = Path.Combine(set.Target, AdapterFolder);
        string aside = Path.Combine(set.Target, $".{AdapterFolder}.previous-{Guid.NewGuid():N}");
        bool hadPrevious = Directory.Exists(target);
        if (hadPrevious)
        {
            Directory.Move(target, aside);
        }

        try
        {
            Directory.Move(stagedAdapter, target);
            set.Commit();
        }
        catch
        {
            if (hadPrevious)
            {
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(aside, target);
            }

            throw;
        }

        if (hadPrevious)
        {
            Directory.Delete(aside, recursive: true);
        }

        return result;
    }
}
