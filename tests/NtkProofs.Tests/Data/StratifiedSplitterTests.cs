using NtkProofs.Data;

namespace NtkProofs.Tests.Data;

/// <summary>Seeded stratified splits.</summary>
public sealed class StratifiedSplitterTests
{
    private static readonly IReadOnlyList<LabeledSentence> Examples =
        Enumerable.Range(0, 200).Select(i => new LabeledSentence($"s{i}", i % 4 == 0 ? 1 : 0)).ToList();

    [Fact]
    public void Split_is_stratified_disjoint_complete_and_80_10_10()
    {
        var splits = StratifiedSplitter.Split(Examples, seed: 5);
        Assert.Equal(160, splits.Train.Count);
        Assert.Equal(20, splits.Validation.Count);
        Assert.Equal(20, splits.Test.Count);
        Assert.Equal(5, splits.Validation.Count(e => e.Label == 1));
        Assert.Equal(5, splits.Test.Count(e => e.Label == 1));
        var all = splits.Train.Concat(splits.Validation).Concat(splits.Test).Select(e => e.Text).ToList();
        Assert.Equal(200, all.Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var a = StratifiedSplitter.Split(Examples, seed: 5);
        var b = StratifiedSplitter.Split(Examples, seed: 5);
        var c = StratifiedSplitter.Split(Examples, seed: 6);
        Assert.Equal(a.Test, b.Test);
        Assert.Equal(a.Train, b.Train);
        Assert.NotEqual(a.Test.Select(e => e.Text).Order(), c.Test.Select(e => e.Text).Order());
    }
}
