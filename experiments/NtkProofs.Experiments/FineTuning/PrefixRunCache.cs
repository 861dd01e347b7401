using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.IO;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The P-Tuning v2 run that several prefix -&gt; NTK-Attention points start from, trained once and kept in the sweep's store:
/// <c>parts/prefix-run-&lt;hash of the prefix run's configuration&gt;/</c> holds the run's record and its saved trainable
/// weights. The points of one task, prefix length and seed (three feature maps in the decisive config) then convert the same
/// learned prefix: a third of the training is saved and the conversions are paired on one prefix. A folder whose record
/// was made for another configuration or master seed, or whose weights are missing or do not match the recorded hash, is
/// not used (the run is trained again and overwrites it). The folders are local (git-ignored: the weights are binary and
/// megabytes); a clean checkout retrains the prefix of a point it has not finished.
/// </summary>
public sealed class PrefixRunCache
{
    /// <summary>The key prefix of the cache folders under the store's <c>parts/</c>.</summary>
    public const string KeyPrefix = "prefix-run-";

    private const string PartName = "prefix-run";
    private const string WeightsName = "adapter_model.safetensors";
    private readonly PointParts parts;
    private readonly string configJson;

    private PrefixRunCache(PointParts parts, string configJson)
    {
        this.parts = parts;
        this.configJson = configJson;
    }

    /// <summary>
    /// The cache entry of the prefix run configured by <paramref name="configJson"/> in the store of <paramref name="pointParts"/>;
    /// null when the point runs without a store (a report's in-process sweep), which then trains its prefix itself.
    /// </summary>
    /// <param name="pointParts">The current point's parts (its store and master seed), or null.</param>
    /// <param name="configJson">The prefix run's whole configuration (<c>FineTuneConfig.ToJson()</c>).</param>
    public static PrefixRunCache? For(PointParts? pointParts, string configJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(configJson);
        if (pointParts is null)
        {
            return null;
        }

        string json = JsonNode.Parse(configJson)!.ToJsonString();
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        return new PrefixRunCache(pointParts.Sibling(KeyPrefix + hash), json);
    }

    /// <summary>The folder of this entry.</summary>
    public string Folder => parts.Folder;

    /// <summary>The stored run and the path of its saved weights, or null when there is none usable.</summary>
    public (FinetuneRun Run, string WeightsFile)? TryRead()
    {
        if (parts.Read(PartName) is not { } stored)
        {
            return null;
        }

        string weights = Path.Combine(parts.Folder, WeightsName);
        try
        {
            if (stored.Content["config"]?.ToJsonString() != configJson || stored.Content["run"] is not JsonObject run || !File.Exists(weights)
                || stored.Content["weights_sha256"]?.GetValue<string>() != HashOf(weights))
            {
                return null;
            }

            return (ResultJson.Read<FinetuneRun>(run), weights);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="run"/> and a copy of its saved weights (weights first, each written whole; the record last).</summary>
    /// <param name="run">The prefix run's record.</param>
    /// <param name="weightsFile">Its saved trainable weights (<c>adapter_model.safetensors</c> of its checkpoint).</param>
    public void Write(FinetuneRun run, string weightsFile)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(weightsFile);
        Directory.CreateDirectory(parts.Folder);
        string weights = Path.Combine(parts.Folder, WeightsName);
        AtomicFile.Write(weights, temp => File.Copy(weightsFile, temp, overwrite: true));
        parts.Write(PartName, new JsonObject
        {
            ["config"] = JsonNode.Parse(configJson),
            ["weights_sha256"] = HashOf(weights),
            ["run"] = ResultJson.Write(run),
        });
    }

    private static string HashOf(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
