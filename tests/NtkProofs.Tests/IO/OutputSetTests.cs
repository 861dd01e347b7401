using NtkProofs.IO;

namespace NtkProofs.Tests.IO;

/// <summary>OutputSet: files appear only as a whole set; a set abandoned before Commit leaves the folder byte-identical.</summary>
public sealed class OutputSetTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("outset").FullName;

    private string Target => Path.Combine(root, "out");

    /// <summary>Removes the folder.</summary>
    public void Dispose() => Directory.Delete(root, true);

    private void WriteEarlier()
    {
        Directory.CreateDirectory(Path.Combine(Target, "manifests"));
        File.WriteAllText(Path.Combine(Target, "a.json"), "earlier a");
        File.WriteAllText(Path.Combine(Target, "manifests", "m.json"), "earlier m");
        File.WriteAllText(Path.Combine(Target, "other.txt"), "not part of the set");
    }

    private Dictionary<string, string> Files() =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);

    /// <summary>Commit replaces the set's files (subfolders included), keeps the others, and removes the staging folder.</summary>
    [Fact]
    public void Commit_moves_the_whole_set_into_place()
    {
        WriteEarlier();
        using (var set = OutputSet.Begin(Target))
        {
            File.WriteAllText(set.PathOf("a.json"), "new a");
            File.WriteAllText(set.PathOf(Path.Combine("manifests", "m.json")), "new m");
            File.WriteAllText(set.PathOf("b.csv"), "new b");
            Assert.Equal("earlier a", File.ReadAllText(Path.Combine(Target, "a.json")));
            set.Commit();
        }

        Assert.Equal(
            new Dictionary<string, string>
            {
                [Path.Combine("out", "a.json")] = "new a",
                [Path.Combine("out", "manifests", "m.json")] = "new m",
                [Path.Combine("out", "b.csv")] = "new b",
                [Path.Combine("out", "other.txt")] = "not part of the set",
            },
            Files());
    }

    /// <summary>A set abandoned (an exception before Commit) or with a file never written leaves every earlier file as it was.</summary>
    [Fact]
    public void A_failed_set_leaves_every_earlier_output_byte_identical()
    {
        WriteEarlier();
        var before = Files();
        void FailingRun()
        {
            using var set = OutputSet.Begin(Target);
            File.WriteAllText(set.PathOf("a.json"), "new a");
            throw new InvalidOperationException("the run failed");
        }

        Assert.Throws<InvalidOperationException>(FailingRun);
        Assert.Equal(before, Files());

        using (var set = OutputSet.Begin(Target))
        {
            File.WriteAllText(set.PathOf("a.json"), "new a");
            _ = set.PathOf("never-written.json");
            Assert.Throws<IOException>(set.Commit);
        }

        Assert.Equal(before, Files());
    }

    /// <summary>Names that leave the output folder are refused; an --out that is a file is refused before anything is written.</summary>
    [Fact]
    public void Names_outside_the_folder_and_a_file_as_target_are_refused()
    {
        using (var set = OutputSet.Begin(Target))
        {
            Assert.Throws<ArgumentException>(() => set.PathOf(Path.Combine("..", "escape.json")));
            Assert.Throws<ArgumentException>(() => set.PathOf("/tmp/absolute.json"));
        }

        File.WriteAllText(Path.Combine(root, "file"), "x");
        Assert.Throws<ArgumentException>(() => OutputSet.Begin(Path.Combine(root, "file")));
        Assert.Equal(new Dictionary<string, string> { ["file"] = "x" }, Files());
    }
}
