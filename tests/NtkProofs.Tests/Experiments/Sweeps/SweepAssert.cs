using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>Comparisons of sweep results that ignore what legitimately differs between runs (timings, manifest ids).</summary>
internal static class SweepAssert
{
    /// <summary>A line without "seconds", "finished_utc" and "manifest".</summary>
    public static string Outcome(JsonObject line)
    {
        var copy = (JsonObject)line.DeepClone();
        copy.Remove("seconds");
        copy.Remove("finished_utc");
        copy.Remove("manifest");
        return copy.ToJsonString();
    }

    /// <summary>The outcomes of every line of a results file, in file order.</summary>
    public static List<string> FileOutcomes(string path) => [.. JsonLinesReader.Read(path).Lines.Select(l => Outcome(l.Value))];

    /// <summary>Same points, same order, same results.</summary>
    public static void SameResults(IReadOnlyList<SweepResult> expected, IReadOnlyList<SweepResult> actual)
    {
        Assert.Equal(expected.Select(r => (r.Index, r.Key)), actual.Select(r => (r.Index, r.Key)));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameOutcome(actual[i]), $"point #{expected[i].Index}: {expected[i].Result.ToJsonString()} vs {actual[i].Result.ToJsonString()}");
            Assert.Equal(Outcome(expected[i].ToJson()), Outcome(actual[i].ToJson()));
        }
    }
}
