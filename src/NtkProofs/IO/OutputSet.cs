namespace NtkProofs.IO;

/// <summary>
/// A command's output files written as a unit: every file is first written into a sibling staging folder, and only when
/// the whole set is there are the files moved into the output folder. A failure (bad result, full disk, read-only folder)
/// before <see cref="Commit"/> leaves every earlier output untouched.
/// </summary>
public sealed class OutputSet : IDisposable
{
    private readonly List<string> names = [];
    private bool committed;

    private OutputSet(string target, string staging)
    {
        Target = target;
        Staging = staging;
    }

    /// <summary>The output folder.</summary>
    public string Target { get; }

    /// <summary>The staging folder (a sibling of <see cref="Target"/>).</summary>
    public string Staging { get; }

    /// <summary>Starts a set for <paramref name="target"/>.</summary>
    /// <param name="target">The output folder (created on commit if missing).</param>
    /// <exception cref="ArgumentException">The output path is an existing file.</exception>
    public static OutputSet Begin(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full))
        {
            throw new ArgumentException($"--out {full} is an existing file, not a folder");
        }

        string parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return new OutputSet(full, staging);
    }

    /// <summary>The staging path for one output file; write the file there.</summary>
    /// <param name="name">File name inside the output folder; may name a subfolder ("manifests/x.json"), which is created.</param>
    /// <exception cref="ArgumentException">The name is rooted or leaves the output folder.</exception>
    public string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string staged = Path.GetFullPath(Path.Combine(Staging, name));
        if (Path.IsPathRooted(name) || !staged.StartsWith(Staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"output name {name} must lie inside the output folder", nameof(name));
        }

        if (!names.Contains(name))
        {
            names.Add(name);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        return staged;
    }

    /// <summary>Moves every staged file into the output folder (each move is a rename on the same filesystem).</summary>
    public void Commit()
    {
        foreach (var name in names)
        {
            if (!File.Exists(Path.Combine(Staging, name)))
            {
                throw new IOException($"output {name} was not written; nothing replaced");
            }
        }

        Directory.CreateDirectory(Target);
        foreach (var name in names)
        {
            string destination = Path.Combine(Target, name);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Move(Path.Combine(Staging, name), destination, overwrite: true);
        }

        committed = true;
        Dispose();
    }

    /// <summary>Removes the staging folder (and, before <see cref="Commit"/>, the staged files).</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Staging))
            {
                Directory.Delete(Staging, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover staging folder never replaces an output.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }

        _ = committed;
    }
}
