using System.Text;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>The JSON Lines writer and reader: round trip, per-line append, truncated tails, and corrupt lines.</summary>
public sealed class JsonLinesTests : SweepTestFolder
{
    private string File1 => Path.Combine(Root, "out", "a.jsonl");

    private static JsonObject Sample(int i) => new()
    {
        ["i"] = i,
        ["x"] = 0.1 + (0.2 * i),
        ["tiny"] = double.Epsilon * (i + 1),
        ["text"] = "line\nbreak \"quoted\" λ ≥ 3λ*/4 <tag> & +",
        ["nested"] = new JsonObject { ["list"] = new JsonArray(1, 2.5, null, true), ["empty"] = new JsonObject() },
    };

    [Fact]
    public void RoundTripPreservesEveryValueExactly()
    {
        using (var w = JsonLinesWriter.OpenAppend(File1))
        {
            for (int i = 0; i < 5; i++)
            {
                w.Append(Sample(i));
            }
        }

        var content = JsonLinesReader.Read(File1);
        Assert.False(content.NeedsRepair);
        Assert.Equal(5, content.Lines.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i + 1, content.Lines[i].LineNumber);
            Assert.True(JsonNode.DeepEquals(Sample(i), content.Lines[i].Value), content.Lines[i].Value.ToJsonString());
            Assert.Equal(0.1 + (0.2 * i), content.Lines[i].Value["x"]!.GetValue<double>());
        }

        Assert.Equal(5, File.ReadAllText(File1).Count(c => c == '\n'));
        Assert.Equal(new FileInfo(File1).Length, content.ValidLength);
    }

    [Fact]
    public void AppendingContinuesAnExistingFileAndEachLineIsOnDiskAtOnce()
    {
        using (var w = JsonLinesWriter.OpenAppend(File1))
        {
            w.Append(Sample(0));
        }

        using var again = JsonLinesWriter.OpenAppend(File1);
        again.Append(Sample(1));
        Assert.Equal(2, JsonLinesReader.Read(File1).Lines.Count); // readable while the writer is open
    }

    [Fact]
    public void NonFiniteNumbersAreWrittenAsNamedLiterals()
    {
        JsonLinesWriter.WriteAll(File1, [new JsonObject { ["nan"] = double.NaN, ["inf"] = double.PositiveInfinity }]);
        Assert.Equal("{\"nan\":\"NaN\",\"inf\":\"Infinity\"}\n", File.ReadAllText(File1));
    }

    [Fact]
    public void ATruncatedLastLineIsReportedNotThrown()
    {
        JsonLinesWriter.WriteAll(File1, [Sample(0), Sample(1)]);
        long complete = new FileInfo(File1).Length;
        string partial = JsonLinesWriter.Serialize(Sample(2))[..25];
        File.AppendAllText(File1, partial);
        var content = JsonLinesReader.Read(File1);
        Assert.Equal(2, content.Lines.Count);
        Assert.Equal(partial, content.TruncatedTail);
        Assert.Equal(complete, content.ValidLength);
        Assert.True(content.NeedsRepair);
    }

    [Fact]
    public void ACompleteLastLineWithoutNewlineIsKept()
    {
        File.WriteAllText(Path.Combine(Root, "b.jsonl"), "{\"a\":1}\n\n{\"a\":2}");
        var content = JsonLinesReader.Read(Path.Combine(Root, "b.jsonl"));
        Assert.Equal([1, 3], content.Lines.Select(l => l.LineNumber));
        Assert.True(content.MissingFinalNewline);
        Assert.Null(content.TruncatedTail);
    }

    [Fact]
    public void ACorruptLineInTheMiddleOrANonObjectIsAnErrorNamingTheLine()
    {
        string path = Path.Combine(Root, "c.jsonl");
        File.WriteAllText(path, "{\"a\":1}\n{\"a\":\n{\"a\":3}\n");
        var e = Assert.Throws<InvalidDataException>(() => JsonLinesReader.Read(path));
        Assert.Contains(path + ":2", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"a\":1}\n[1,2]\n");
        Assert.Contains(path + ":2: expected a JSON object", Assert.Throws<InvalidDataException>(() => JsonLinesReader.Read(path)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => JsonLinesReader.Read(Path.Combine(Root, "none.jsonl")));
    }

    [Fact]
    public void WriteAllReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        JsonLinesWriter.WriteAll(File1, [Sample(0), Sample(1), Sample(2)]);
        JsonLinesWriter.WriteAll(File1, [Sample(3)]);
        Assert.Single(JsonLinesReader.Read(File1).Lines);
        Assert.Equal(["a.jsonl"], Directory.GetFiles(Path.GetDirectoryName(File1)!).Select(Path.GetFileName));
        Assert.Equal(Encoding.UTF8.GetBytes(JsonLinesWriter.Serialize(Sample(3)) + "\n"), File.ReadAllBytes(File1));
    }
}
