using System.Globalization;

namespace NtkProofs.IO;

/// <summary>Writes files through a temporary sibling and a rename, so a reader never sees a half-written file.</summary>
public static class AtomicFile
{
    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    /// <param name="path">Destination.</param>
    /// <param name="contents">Text to write.</param>
    public static void WriteAllText(string path, string contents) =>
        Write(path, temp => File.WriteAllText(temp, contents, new System.Text.UTF8Encoding(false)));

    /// <summary>Writes bytes atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="contents">Bytes to write.</param>
    public static void WriteAllBytes(string path, byte[] contents) => Write(path, temp => File.WriteAllBytes(temp, contents));

    /// <summary>Runs <paramref name="writer"/> on a temporary path next to <paramref name="path"/>, then moves it into place.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="writer">Writes the complete file to the path it is given.</param>
    public static void Write(string path, Action<string> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            writer(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
