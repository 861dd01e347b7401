using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// The finished parts of one point whose computation takes long (a fine-tuning protocol point: eight training runs, one to
/// two hours of a 2-core machine), kept next to the sweep's store under <c>parts/&lt;point key&gt;/&lt;name&gt;.json</c>, so
/// that a point cut off by the end of a session resumes from its last finished part instead of from scratch. Each part is
/// written whole (a temporary file renamed into place) and the folder is deleted once the point's line is stored. A part
/// is only reused when it says it was made for the same point and master seed (see <see cref="Read"/>; the experiment checks
/// the rest, e.g. the run's whole configuration); parts are deterministic functions of those, so a resumed point's result
/// equals an uninterrupted one's (timings aside). Each part records the manifest id (commit and time) of the run that made
/// it, so a point finished across sessions can say which commits computed its parts.
/// </summary>
public sealed class PointParts
{
    /// <summary>The file name of a point's parts folder under the store's folder.</summary>
    public const string FolderName = "parts";

    private const string PointField = "point_key";
    private const string SeedField = "master_seed";
    private const string ManifestField = "manifest";
    private readonly long masterSeed;
    private readonly string storeFolder;

    /// <summary>The parts of <paramref name="pointKey"/> under <paramref name="storeFolder"/>/parts.</summary>
    /// <param name="storeFolder">The folder of the sweep's JSON lines.</param>
    /// <param name="pointKey">The point's key (<see cref="SweepPoint.Key"/>).</param>
    /// <param name="masterSeed">The sweep's master seed (a part made under another seed is not reused).</param>
    /// <param name="manifest">The manifest id of this run (recorded in the parts it writes), or null.</param>
    public PointParts(string storeFolder, string pointKey, long masterSeed, string? manifest = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeFolder);
        ArgumentException.ThrowIfNullOrEmpty(pointKey);
        if (pointKey.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || pointKey.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pointKey}' is not a point key", nameof(pointKey));
        }

        PointKey = pointKey;
        Manifest = manifest;
        this.masterSeed = masterSeed;
        this.storeFolder = Path.GetFullPath(storeFolder);
        Folder = Path.Combine(Path.GetFullPath(storeFolder), FolderName, pointKey);
    }

    /// <summary>The point's key.</summary>
    public string PointKey { get; }

    /// <summary>The manifest id this run records in the parts it writes (null: none).</summary>
    public string? Manifest { get; }

    /// <summary>The folder holding this point's parts.</summary>
    public string Folder { get; }

    /// <summary>
    /// The parts of another key in the same store, with the same master seed and manifest: where a point keeps work that
    /// other points reuse (a prefix run that several conversions start from). The sweep never deletes such a folder.
    /// </summary>
    /// <param name="pointKey">The other key (letters, digits and '-'; no '.').</param>
    public PointParts Sibling(string pointKey) => new(storeFolder, pointKey, masterSeed, Manifest);

    /// <summary>The names of the parts stored so far, sorted.</summary>
    public IReadOnlyList<string> Names =>
        Directory.Exists(Folder)
            ? [.. Directory.EnumerateFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// The part <paramref name="name"/>, or null when there is none, when it cannot be parsed (a file cut off by hand), or when
    /// it was made for another point or master seed.
    /// </summary>
    /// <param name="name">The part's name (letters, digits, '-' and '_').</param>
    public StoredPart? Read(string name)
    {
        string file = FileOf(name);
        if (!File.Exists(file))
        {
            return null;
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        if (json?["part"] is not JsonObject part)
        {
            return null;
        }

        try
        {
            if (json[PointField]?.GetValue<string>() != PointKey || json[SeedField]?.GetValue<long>() != masterSeed)
            {
                return null;
            }

            return new StoredPart((JsonObject)part.DeepClone(), json[ManifestField]?.GetValue<string>());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null; // a field of the wrong kind: not a part this run wrote
        }
    }

    /// <summary>Stores the part <paramref name="name"/> whole (written to a temporary file, then renamed over any older one).</summary>
    /// <param name="name">The part's name (letters, digits, '-' and '_').</param>
    /// <param name="part">Its content.</param>
    public void Write(string name, JsonObject part)
    {
        ArgumentNullException.ThrowIfNull(part);
        string file = FileOf(name);
        Directory.CreateDirectory(Folder);
        var wrapped = new JsonObject
        {
            [PointField] = PointKey,
            [SeedField] = masterSeed,
            [ManifestField] = Manifest,
            ["part"] = part.DeepClone(),
        };
        string temporary = file + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temporary, wrapped.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }) + "\n");
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>
    /// Deletes the point's parts (called once its line is stored). The shared <c>parts</c> folder stays (another shard's
    /// process may be writing into it; git keeps no empty folder).
    /// </summary>
    public void Delete()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private string FileOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{name}' is not a part name (letters, digits, '-' and '_')", nameof(name));
        }

        return Path.Combine(Folder, name + ".json");
    }
}

/// <summary>A part read back: its content and the manifest id of the run that wrote it.</summary>
/// <param name="Content">The part as written.</param>
/// <param name="Manifest">The writer's manifest id (commit and time), or null when it recorded none.</param>
public sealed record StoredPart(JsonObject Content, string? Manifest);
